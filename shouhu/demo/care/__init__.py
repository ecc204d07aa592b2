"""The demo's care work (结对帮扶, 三个一, 五必访), planned as plain data and written in bulk.

- `calendar`: the months of the work and the terms they touch
- `plans`: the plan's rows (staff, pairings, buddies, exemptions, actions, signals)
- `planner`: `care_plan()`, and the state and small steps its parts share
- `pairing`: proxy parents, this term's and last spring's
- `work`: quotas with gaps, signals and tasks, group work, counselling, buddies, the script
- `record`: `care_write()`, the plan written as the care services would write it
"""
