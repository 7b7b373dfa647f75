"""`python -m checker` runs the prkit command line."""

from checker.cli import main

main()
