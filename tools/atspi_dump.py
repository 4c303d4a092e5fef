#!/usr/bin/env python3
"""Prints the accessibility tree (role, name) of every AT-SPI application, as a screen reader sees it."""
import pyatspi, sys
desk = pyatspi.Registry.getDesktop(0)
def walk(acc, depth=0, out=[]):
    try:
        name = acc.name; role = acc.getRoleName()
    except Exception as e:
        return out
    if name: out.append((depth, role, name))
    for i in range(acc.childCount):
        try: walk(acc.getChildAtIndex(i), depth+1, out)
        except Exception: pass
    return out
for app in desk:
    if app is None: continue
    print("APP", app.name)
    for d, r, n in walk(app)[:60]:
        print("  "*min(d,6), r, n)
