"""Look at a run: the funnel (also for ``panel2patch stats``) and the static HTML report."""

from panel2patch.report.build import write_run_report
from panel2patch.report.funnel import funnel_from, print_funnel, run_funnel
from panel2patch.report.profile import RunProfile, index_status_counts, profile_run

__all__ = ["RunProfile", "funnel_from", "index_status_counts", "print_funnel", "profile_run", "run_funnel", "write_run_report"]
