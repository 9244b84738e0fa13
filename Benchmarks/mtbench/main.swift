print("mtbench: not yet")
