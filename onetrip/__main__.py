import sys

from onetrip.cli import main

sys.exit(main())
