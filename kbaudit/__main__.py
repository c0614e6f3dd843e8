from kbaudit.cli import main

main()
