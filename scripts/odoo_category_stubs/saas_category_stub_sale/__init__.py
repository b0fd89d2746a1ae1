# Never installed: see ../README.md.
