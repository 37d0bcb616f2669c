import sys

from rankings.cli import main

sys.exit(main())
