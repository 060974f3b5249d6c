from sotong.cli import main

main()
