"""The benchmark's tracks, one file each; every track runs one adapter on the suite's clips
and returns plain numbers (lists and floats), or raises BenchError naming model and track."""
