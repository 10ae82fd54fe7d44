"""The people family's monthly status rows: what they hold (`compute`), how they are kept in step with the
records (`store`, `marks`), and the tasks that do it in the background (`tasks`). See docs/reports-status.md."""
