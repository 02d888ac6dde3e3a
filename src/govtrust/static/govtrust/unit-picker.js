// The unit picker (directory/widgets.py): turns the plain select of governments into cascading
// selects 市州 → 县市区 → 乡镇街道/部门 and a live search by name or pinyin initials, asking
// /gs/units/. The original select stays in the form (hidden) and carries the chosen value, so
// the server reads the same field with or without this script.
(function () {
  "use strict";
  var LEVELS = ["市州（或省级）", "县市区（或部门）", "乡镇街道（或部门）", "下级部门"];

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function setup(root) {
    var endpoint = root.getAttribute("data-endpoint");
    var within = root.getAttribute("data-within") || "";
    var departments = root.getAttribute("data-departments") || "1";
    var preset = (root.getAttribute("data-path") || "").split(",").filter(Boolean);
    var select = root.querySelector("select");
    var search = root.querySelector("input[type=search]");
    var findButton = root.querySelector(".unit-find");
    if (!select || !search) { return; }
    root.classList.add("enhanced");
    select.hidden = true;
    select.setAttribute("aria-hidden", "true");
    select.tabIndex = -1;
    if (findButton) { findButton.hidden = true; }

    var results = el("ul", { "class": "unit-results", role: "listbox", "aria-label": "搜索结果" });
    results.hidden = true;
    search.insertAdjacentElement("afterend", results);
    var cascade = el("div", { "class": "unit-cascade" });
    root.appendChild(cascade);
    var chosen = el("p", { "class": "unit-chosen", "aria-live": "polite" });
    root.appendChild(chosen);
    var levels = [];
    // Under a unit (a list kept to the user's reach) the levels are that unit and those below.
    var names = within ? ["本单位", "下级单位", "再下级单位", "再下级单位"] : LEVELS;

    function query(params) {
      var url = endpoint + "?departments=" + departments + "&within=" + encodeURIComponent(within);
      Object.keys(params).forEach(function (k) { url += "&" + k + "=" + encodeURIComponent(params[k]); });
      return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.json(); });
    }

    function choose(value, label) {
      var option = select.querySelector('option[value="' + CSS.escape(value) + '"]');
      if (!option && value) {
        option = el("option", { value: value }, label);
        select.appendChild(option);
      }
      select.value = value;
      chosen.textContent = value ? "已选择：" + (label || (option ? option.textContent : value)) : "";
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function cut(depth) {
      while (levels.length > depth) { cascade.removeChild(levels.pop().wrap); }
    }

    function addLevel(depth, parent, items, wanted) {
      cut(depth);
      if (!items.length) { return null; }
      var wrap = el("label", { "class": "unit-level" }, names[Math.min(depth, names.length - 1)] + " ");
      var sel = el("select", { "data-level": String(depth) });
      sel.appendChild(el("option", { value: "" }, depth === 0 ? "请选择" : "（不再细选）"));
      items.forEach(function (u) {
        var o = el("option", { value: u.value }, u.name + (u.has_children ? " ›" : ""));
        o.dataset.label = u.label;
        o.dataset.children = u.has_children ? "1" : "";
        sel.appendChild(o);
      });
      wrap.appendChild(sel);
      cascade.appendChild(wrap);
      var level = { wrap: wrap, select: sel, parent: parent };
      levels.push(level);
      sel.addEventListener("change", function () { picked(depth, []); });
      if (wanted) { sel.value = wanted; }
      return level;
    }

    function picked(depth, rest) {
      var level = levels[depth];
      var option = level.select.selectedOptions[0];
      if (!level.select.value) {
        cut(depth + 1);
        var up = depth > 0 ? levels[depth - 1].select.selectedOptions[0] : null;
        choose(level.parent, up ? up.dataset.label : "");
        return Promise.resolve();
      }
      choose(level.select.value, option.dataset.label);
      if (!option.dataset.children) { cut(depth + 1); return Promise.resolve(); }
      return query({ parent: level.select.value }).then(function (data) {
        if (levels[depth] !== level || level.select.value !== option.value) { return; }
        var next = addLevel(depth + 1, option.value, data.units || [], rest[0]);
        if (next && rest.length) { return picked(depth + 1, rest.slice(1)); }
      });
    }

    var timer = null;
    var ticket = 0;
    function find() {
      var q = search.value.trim();
      var mine = ++ticket;
      if (!q) { results.hidden = true; results.textContent = ""; return; }
      query({ q: q }).then(function (data) {
        if (mine !== ticket) { return; }
        results.textContent = "";
        (data.units || []).forEach(function (u) {
          var li = el("li", { role: "option", tabindex: "0", "data-value": u.value }, u.label);
          results.appendChild(li);
        });
        if (!results.children.length) {
          results.appendChild(el("li", { "class": "empty" }, data.detail || "没有找到，请换个名称或拼音首字母"));
        }
        results.hidden = false;
      });
    }
    function pick(li) {
      var value = li.getAttribute("data-value");
      if (!value) { return; }
      results.hidden = true;
      search.value = "";
      presetTo(value, li.textContent);
    }
    function presetTo(value, label) {
      // Set the cascade to the unit found: its chain from the top, then each level's list.
      return query({ path: value }).then(function (data) {
        var chain = (data.units || []).map(function (u) { return u.value; });
        return start(chain).then(function () { choose(value, label); });
      });
    }
    search.addEventListener("input", function () { window.clearTimeout(timer); timer = window.setTimeout(find, 200); });
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        var first = results.querySelector("li[data-value]");
        if (first) { pick(first); } else { find(); }
      } else if (event.key === "ArrowDown") {
        var item = results.querySelector("li[data-value]");
        if (item) { event.preventDefault(); item.focus(); }
      }
    });
    results.addEventListener("click", function (event) {
      var li = event.target.closest("li");
      if (li) { pick(li); }
    });
    results.addEventListener("keydown", function (event) {
      var li = event.target.closest("li");
      if (!li) { return; }
      if (event.key === "Enter") { event.preventDefault(); pick(li); }
      else if (event.key === "ArrowDown" && li.nextElementSibling) { event.preventDefault(); li.nextElementSibling.focus(); }
      else if (event.key === "ArrowUp") { event.preventDefault(); (li.previousElementSibling || search).focus(); }
    });

    function start(chain) {
      return query({ parent: "" }).then(function (data) {
        var first = addLevel(0, "", data.units || [], chain[0]);
        if (first && chain.length) { return picked(0, chain.slice(1)); }
      });
    }
    var current = select.selectedOptions[0];
    start(preset).then(function () {
      if (current && current.value) { chosen.textContent = "已选择：" + current.textContent; }
    });
  }

  document.querySelectorAll(".unit-picker").forEach(setup);
})();
