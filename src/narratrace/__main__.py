"""``python -m narratrace``: the same as the ``narratrace`` command."""

from .cli import main

if __name__ == "__main__":
    main()
