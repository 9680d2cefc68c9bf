"""`python -m pai_deps` runs the same CLI as the `pai-deps` console script."""

from pai_deps.cli import main

main()
