"""The annual government integrity assessment (年度政务诚信考评, plan 三(二)4): indicator systems as
versioned data, a pure scoring engine, collectors reading the platform's data in bulk, runs whose
every input is snapshotted, signed and committed to the transparency log."""
