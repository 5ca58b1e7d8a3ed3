# The held-out files of tiny-gpt2-hf / tiny-bert-hf (../shared/models/zoo/_scripts/make_tiny_gpt2_hf.py:
# the .py files of this Python's standard library without site-packages and test folders, sorted
# by path, every 20th one held out), one absolute path per line; with --train, the others.
import os
import sys
import sysconfig

root = sysconfig.get_paths()["stdlib"]
files = []
for d, dirs, names in os.walk(root):
    dirs[:] = sorted(x for x in dirs if x not in ("site-packages", "dist-packages", "__pycache__", "test", "tests", "idle_test"))
    for n in sorted(names):
        if n.endswith(".py"):
            files.append(os.path.relpath(os.path.join(d, n), root))
files.sort()
train = "--train" in sys.argv
for i, rel in enumerate(files):
    if (i % 20 != 0) == train:
        print(os.path.join(root, rel))
