"""Integrity training of civil servants (诚信教育, plan 三（二）1: "将政务诚信纳入公务员教育培训,
加强培训情况登记和培训结果评估"): courses, their sessions (online or in person) held by a unit,
and each civil servant's attendance and exam result, registered one by one or from a list."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from govtrust.directory.models import CivilServant, Department, Government


class TrainingMode(models.TextChoices):
    IN_PERSON = "in_person", "线下面授"
    ONLINE = "online", "线上学习"


class TrainingCourse(models.Model):
    """A course of integrity education (e.g. 政务诚信专题培训), offered by an organiser unit;
    the catalogue is read by every business user, written by its organiser."""

    code = models.CharField("课程编号", max_length=20, unique=True)
    title = models.CharField("课程名称", max_length=120)
    summary = models.TextField("课程简介", blank=True)
    government = models.ForeignKey(Government, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    division_code = models.CharField(max_length=12, db_index=True)  # the organiser's
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.title

    @property
    def organiser(self) -> str:
        return str(self.department or self.government)


class TrainingSession(models.Model):
    """One session of a course: held on a day (online: the day the learning closes), for a
    number of class hours, by an organiser unit. Its code is what attendance lists name."""

    course = models.ForeignKey(TrainingCourse, on_delete=models.PROTECT, related_name="sessions")
    code = models.CharField("场次编号", max_length=30, unique=True)
    mode = models.CharField("培训方式", max_length=10, choices=TrainingMode.choices)
    held_on = models.DateField("培训日期")
    hours = models.DecimalField("学时", max_digits=4, decimal_places=1)
    place = models.CharField("地点或平台", max_length=120, blank=True)
    government = models.ForeignKey(Government, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    division_code = models.CharField(max_length=12, db_index=True)  # the organiser's
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "code"]

    def __str__(self) -> str:
        return f"{self.course.title}（{self.code}）"

    @property
    def organiser(self) -> str:
        return str(self.department or self.government)


class TrainingAttendance(models.Model):
    """A civil servant at a session: present or absent, and the exam score (0-100) if examined.
    Owned (for reach) by the civil servant's unit, copied when registered."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.PROTECT, related_name="attendances"
    )
    civil_servant = models.ForeignKey(
        CivilServant, on_delete=models.PROTECT, related_name="training_attendances"
    )
    attended = models.BooleanField("出勤", default=True)
    score = models.DecimalField("考试成绩", max_digits=4, decimal_places=1, null=True, blank=True)
    division_code = models.CharField(max_length=12, db_index=True)  # the civil servant's
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    import_batch = models.ForeignKey(
        "TrainingImport",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attendances",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session", "civil_servant__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "civil_servant"], name="training_attendance_once"
            )
        ]


class TrainingImportState(models.TextChoices):
    DONE = "done", "已导入"
    REFUSED = "refused", "未导入（有错误）"


class TrainingImport(models.Model):
    """One attendance list sent: all its rows written, or none and an error report kept."""

    filename = models.CharField("文件名", max_length=200)
    sha256 = models.CharField(max_length=64)
    state = models.CharField(max_length=10, choices=TrainingImportState.choices)
    rows = models.PositiveIntegerField("数据行数", default=0)
    created = models.PositiveIntegerField("新增条数", default=0)
    unchanged = models.PositiveIntegerField("已登记相同条数", default=0)
    errors = models.JSONField("错误", default=list)  # [[row, column, message], ...]
    report = models.BinaryField("错误报告", null=True, editable=False)
    division_code = models.CharField(max_length=12, db_index=True)  # the importer's unit
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
