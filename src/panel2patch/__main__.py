from panel2patch.cli import main

main()
