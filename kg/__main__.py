# Paused before anything is imported: see kg.cli.common.pause_collector.
import gc

gc.disable()

from kg.cli import main  # noqa: E402

main()
