"""Generate the step illustrations as SVG files.

Writes every ``*.svg`` file in ``resources/illustrations/`` (400 x 300
viewBox, flat style, one shared palette and stroke set).  All figures are
built from the same body shapes so the set stays consistent; the left/right
variants of the acupressure images are mirrored from one source while the
digits in the numbered circles stay readable.

Usage::

    PYTHONPATH=src python -m massage_timer.tools.make_illustrations [OUT_DIR]

The output is deterministic: running the script twice gives identical files.
"""

# ruff: noqa: E501  (SVG path data and markup are kept on one line each)
from __future__ import annotations

import math
import re
import sys
from pathlib import Path

# --------------------------------------------------------------------------
# Palette and strokes (shared by every illustration)
# --------------------------------------------------------------------------
CARD = "#F3F6F9"  # soft background card
CARD_EDGE = "#D3DCE6"
MAT = "#E3E9F0"  # table / mat
INK = "#46596E"  # outlines and details
BODY = "#A9BCCF"  # neutral patient body
LIGHT = "#DDE5EE"  # caregiver hands, blanket, cloth, objects
WHITE = "#FFFFFF"
ACCENT = "#E8803A"  # "where to act": arrows, points, flame, honey, oil

OUTLINE = 3.0  # visible outline width of every filled shape
DETAIL = 2.0  # inner detail lines
ARROW = 4.0  # motion arrows

W, H = 400, 300
CARD_X0, CARD_Y0, CARD_X1, CARD_Y1, CARD_R = 8.0, 8.0, 392.0, 292.0, 24.0


def fmt(v: float) -> str:
    s = f"{v:.1f}"
    if s.endswith(".0"):
        s = s[:-2]
    if s == "-0":
        s = "0"
    return s


# --------------------------------------------------------------------------
# Affine transforms (a, b, c, d, e, f): x' = a x + c y + e ; y' = b x + d y + f
# --------------------------------------------------------------------------
IDENT = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def mul(m, n):
    """Return m * n (apply n first, then m)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + c * b2,
        b * a2 + d * b2,
        a * c2 + c * d2,
        b * c2 + d * d2,
        a * e2 + c * f2 + e,
        b * e2 + d * f2 + f,
    )


def tr(tx, ty):
    return (1.0, 0.0, 0.0, 1.0, float(tx), float(ty))


def sc(s, sy=None):
    return (float(s), 0.0, 0.0, float(s if sy is None else sy), 0.0, 0.0)


def rot(deg):
    r = math.radians(deg)
    return (math.cos(r), math.sin(r), -math.sin(r), math.cos(r), 0.0, 0.0)


def chain(*ms):
    """chain(A, B, C) applies C first, then B, then A."""
    out = IDENT
    for m in ms:
        out = mul(out, m)
    return out


def ap(m, x, y):
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


MIRROR = (-1.0, 0.0, 0.0, 1.0, float(W), 0.0)  # mirror the whole card


# --------------------------------------------------------------------------
# Path helpers.  Paths use only absolute M, L, C, Q, Z commands.
# --------------------------------------------------------------------------
TOKEN = re.compile(r"[MLCQZ]|-?\d*\.?\d+")


def parse(d):
    out = []
    cmd = None
    nums = []
    for tok in TOKEN.findall(d):
        if tok in "MLCQZ":
            if cmd is not None:
                out.append((cmd, nums))
            cmd, nums = tok, []
        else:
            nums.append(float(tok))
    if cmd is not None:
        out.append((cmd, nums))
    res = []
    for cmd, nums in out:
        pts = [(nums[i], nums[i + 1]) for i in range(0, len(nums), 2)]
        res.append((cmd, pts))
    return res


def xform(d, m):
    parts = []
    for cmd, pts in parse(d):
        parts.append(cmd)
        for x, y in pts:
            X, Y = ap(m, x, y)
            parts.append(f"{fmt(X)},{fmt(Y)}")
    return " ".join(parts)


def ellipse_d(cx, cy, rx, ry):
    k = 0.5523
    return (
        f"M {cx + rx},{cy} C {cx + rx},{cy + ry * k} {cx + rx * k},{cy + ry} {cx},{cy + ry} "
        f"C {cx - rx * k},{cy + ry} {cx - rx},{cy + ry * k} {cx - rx},{cy} "
        f"C {cx - rx},{cy - ry * k} {cx - rx * k},{cy - ry} {cx},{cy - ry} "
        f"C {cx + rx * k},{cy - ry} {cx + rx},{cy - ry * k} {cx + rx},{cy} Z"
    )


def stadium_d(x1, y1, x2, y2, w1, w2=None, n=8):
    """Closed capsule from (x1,y1) to (x2,y2), widths w1 -> w2 (round ends)."""
    w2 = w1 if w2 is None else w2
    r1, r2 = w1 / 2.0, w2 / 2.0
    ang = math.atan2(y2 - y1, x2 - x1)
    pts = []
    for i in range(n + 1):
        a = ang - math.pi / 2 + math.pi * i / n
        pts.append((x2 + r2 * math.cos(a), y2 + r2 * math.sin(a)))
    for i in range(n + 1):
        a = ang + math.pi / 2 + math.pi * i / n
        pts.append((x1 + r1 * math.cos(a), y1 + r1 * math.sin(a)))
    return poly_d(pts)


def poly_d(pts, closed=True):
    s = "M " + " L ".join(f"{fmt(x)},{fmt(y)}" for x, y in pts)
    return s + (" Z" if closed else "")


def rrect_d(x, y, w, h, r):
    k = 0.5523 * r
    return (
        f"M {x + r},{y} L {x + w - r},{y} C {x + w - r + k},{y} {x + w},{y + r - k} {x + w},{y + r} "
        f"L {x + w},{y + h - r} C {x + w},{y + h - r + k} {x + w - r + k},{y + h} {x + w - r},{y + h} "
        f"L {x + r},{y + h} C {x + r - k},{y + h} {x},{y + h - r + k} {x},{y + h - r} "
        f"L {x},{y + r} C {x},{y + r - k} {x + r - k},{y} {x + r},{y} Z"
    )


def rrect_poly(x0, y0, x1, y1, r, n=6):
    pts = []
    corners = [
        (x1 - r, y0 + r, -90),
        (x1 - r, y1 - r, 0),
        (x0 + r, y1 - r, 90),
        (x0 + r, y0 + r, 180),
    ]
    for cx, cy, a0 in corners:
        for i in range(n + 1):
            a = math.radians(a0 + 90.0 * i / n)
            pts.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    return pts


CARD_POLY = rrect_poly(CARD_X0, CARD_Y0, CARD_X1, CARD_Y1, CARD_R)


def flatten(d):
    """Sample a path into closed polygons (one per subpath)."""
    polys = []
    cur = []
    pen = (0.0, 0.0)
    for cmd, pts in parse(d):
        if cmd == "M":
            if cur:
                polys.append(cur)
            cur = [pts[0]]
            pen = pts[0]
            for p in pts[1:]:
                cur.append(p)
                pen = p
        elif cmd == "L":
            for p in pts:
                cur.append(p)
                pen = p
        elif cmd == "C":
            for i in range(0, len(pts), 3):
                p0, p1, p2, p3 = pen, pts[i], pts[i + 1], pts[i + 2]
                for k in range(1, 13):
                    t = k / 12.0
                    u = 1 - t
                    cur.append(
                        (
                            u**3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t**3 * p3[0],
                            u**3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t**3 * p3[1],
                        )
                    )
                pen = p3
        elif cmd == "Q":
            for i in range(0, len(pts), 2):
                p0, p1, p2 = pen, pts[i], pts[i + 1]
                for k in range(1, 11):
                    t = k / 10.0
                    u = 1 - t
                    cur.append(
                        (
                            u * u * p0[0] + 2 * u * t * p1[0] + t * t * p2[0],
                            u * u * p0[1] + 2 * u * t * p1[1] + t * t * p2[1],
                        )
                    )
                pen = p2
        elif cmd == "Z":
            pass
    if cur:
        polys.append(cur)
    return polys


def _inside(p, a, b):
    return (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]) >= 0


def _intersect(p, q, a, b):
    x1, y1 = p
    x2, y2 = q
    x3, y3 = a
    x4, y4 = b
    den = (x1 - x2) * (y3 - y4) - (y1 - y2) * (x3 - x4)
    if abs(den) < 1e-12:
        return q
    t = ((x1 - x3) * (y3 - y4) - (y1 - y3) * (x3 - x4)) / den
    return (x1 + t * (x2 - x1), y1 + t * (y2 - y1))


def clip_poly(subject, clip):
    """Sutherland-Hodgman clipping of a polygon against a convex clockwise polygon."""
    out = subject
    n = len(clip)
    for i in range(n):
        a, b = clip[i], clip[(i + 1) % n]
        inp = out
        out = []
        if not inp:
            break
        s = inp[-1]
        for e in inp:
            if _inside(e, a, b):
                if not _inside(s, a, b):
                    out.append(_intersect(s, e, a, b))
                out.append(e)
            elif _inside(s, a, b):
                out.append(_intersect(s, e, a, b))
            s = e
    return out


def _all_inside(d, clip):
    n = len(clip)
    for _, pts in parse(d):
        for p in pts:
            for i in range(n):
                if not _inside(p, clip[i], clip[(i + 1) % n]):
                    return False
    return True


def clipped(d, clip=None):
    """Return path d (card coordinates) clipped to the card (or a convex polygon)."""
    clip = CARD_POLY if clip is None else clip
    if _all_inside(d, clip):
        return d
    parts = []
    for poly in flatten(d):
        c = clip_poly(poly, clip)
        if len(c) >= 3:
            parts.append(poly_d(c))
    return " ".join(parts)


# --------------------------------------------------------------------------
# SVG element helpers
# --------------------------------------------------------------------------
def path(d, fill="none", stroke=None, sw=None, extra=""):
    a = f'<path d="{d}" fill="{fill}"'
    if stroke:
        a += f' stroke="{stroke}" stroke-width="{fmt(sw if sw is not None else DETAIL)}"'
        a += ' stroke-linecap="round" stroke-linejoin="round"'
    if extra:
        a += " " + extra
    return a + "/>"


def solid(shapes, fill, m=IDENT, clip=None):
    """Filled shapes drawn as one silhouette with a shared outline.

    The outline is drawn first (fill + stroke in ink), then all fills on top,
    so overlapping parts merge into one figure with a 3 px outline.
    """
    ds = [clipped(xform(s, m), clip) for s in shapes]
    ds = [d for d in ds if d]
    if not ds:
        return ""
    outl = "".join(f'<path d="{d}"/>' for d in ds)
    fills = "".join(f'<path d="{d}"/>' for d in ds)
    return (
        f'<g fill="{INK}" stroke="{INK}" stroke-width="{fmt(OUTLINE * 2)}" stroke-linejoin="round">{outl}</g>'
        f'<g fill="{fill}">{fills}</g>'
    )


def plain(shapes, fill, m=IDENT, clip=None, opacity=None):
    ds = [clipped(xform(s, m), clip) for s in shapes]
    op = f' opacity="{opacity}"' if opacity is not None else ""
    return f'<g fill="{fill}"{op}>' + "".join(f'<path d="{d}"/>' for d in ds if d) + "</g>"


def clip_segment(p, q, clip):
    """Cyrus-Beck clipping of segment p-q against a convex clockwise polygon."""
    t0, t1 = 0.0, 1.0
    dx, dy = q[0] - p[0], q[1] - p[1]
    n = len(clip)
    for i in range(n):
        a, b = clip[i], clip[(i + 1) % n]
        # inside when cross((b-a),(x-a)) >= 0
        ex, ey = b[0] - a[0], b[1] - a[1]
        num = ex * (p[1] - a[1]) - ey * (p[0] - a[0])
        den = ex * dy - ey * dx
        if abs(den) < 1e-12:
            if num < 0:
                return None
            continue
        t = -num / den
        if den > 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return None
    return (p[0] + t0 * dx, p[1] + t0 * dy), (p[0] + t1 * dx, p[1] + t1 * dy)


def clipped_open(d, clip=None):
    """Clip an open path (card coordinates) to the card; returns a path string."""
    clip = CARD_POLY if clip is None else clip
    if _all_inside(d, clip):
        return d
    out = []
    for poly in flatten(d):
        run = []
        for i in range(len(poly) - 1):
            seg = clip_segment(poly[i], poly[i + 1], clip)
            if seg is None:
                if len(run) > 1:
                    out.append(run)
                run = []
                continue
            a, b = seg
            if run and math.hypot(run[-1][0] - a[0], run[-1][1] - a[1]) < 1e-6:
                run.append(b)
            else:
                if len(run) > 1:
                    out.append(run)
                run = [a, b]
        if len(run) > 1:
            out.append(run)
    return " ".join(poly_d(r, closed=False) for r in out)


def lines(ds, m=IDENT, color=INK, sw=DETAIL, opacity=None, dash=None, clip=None):
    op = f' opacity="{opacity}"' if opacity is not None else ""
    da = f' stroke-dasharray="{dash}"' if dash else ""
    parts = [clipped_open(xform(d, m), clip) for d in ds]
    body = "".join(f'<path d="{d}"/>' for d in parts if d)
    return (
        f'<g fill="none" stroke="{color}" stroke-width="{fmt(sw)}" stroke-linecap="round" '
        f'stroke-linejoin="round"{op}{da}>{body}</g>'
    )


def arrow(pts, color=ACCENT, sw=ARROW, dash=None, head=13.0, smooth=True, both=False):
    """Motion arrow along a list of card-space points (smoothed polyline)."""
    d = catmull(pts) if smooth and len(pts) > 2 else poly_d(pts, closed=False)
    da = f' stroke-dasharray="{dash}"' if dash else ""
    out = (
        f'<path d="{d}" fill="none" stroke="{color}" stroke-width="{fmt(sw)}" '
        f'stroke-linecap="round" stroke-linejoin="round"{da}/>'
    )
    out += arrow_head(pts[-2], pts[-1], color, head)
    if both:
        out += arrow_head(pts[1], pts[0], color, head)
    return out


def arrow_head(p_from, p_to, color=ACCENT, size=13.0):
    dx, dy = p_to[0] - p_from[0], p_to[1] - p_from[1]
    ln = math.hypot(dx, dy) or 1.0
    ux, uy = dx / ln, dy / ln
    tip = (p_to[0] + ux * size * 0.45, p_to[1] + uy * size * 0.45)
    base = (tip[0] - ux * size, tip[1] - uy * size)
    lft = (base[0] - uy * size * 0.55, base[1] + ux * size * 0.55)
    r = (base[0] + uy * size * 0.55, base[1] - ux * size * 0.55)
    return (
        f'<path d="{poly_d([tip, lft, r])}" fill="{color}" stroke="{color}" stroke-width="2" stroke-linejoin="round"/>'
    )


def catmull(pts):
    d = f"M {fmt(pts[0][0])},{fmt(pts[0][1])}"
    for i in range(len(pts) - 1):
        p0 = pts[i - 1] if i > 0 else pts[i]
        p1, p2 = pts[i], pts[i + 1]
        p3 = pts[i + 2] if i + 2 < len(pts) else p2
        c1 = (p1[0] + (p2[0] - p0[0]) / 6.0, p1[1] + (p2[1] - p0[1]) / 6.0)
        c2 = (p2[0] - (p3[0] - p1[0]) / 6.0, p2[1] - (p3[1] - p1[1]) / 6.0)
        d += f" C {fmt(c1[0])},{fmt(c1[1])} {fmt(c2[0])},{fmt(c2[1])} {fmt(p2[0])},{fmt(p2[1])}"
    return d


def arc_pts(cx, cy, r, a0, a1, n=24, ry=None):
    ry = r if ry is None else ry
    return [
        (
            cx + r * math.cos(math.radians(a0 + (a1 - a0) * i / n)),
            cy + ry * math.sin(math.radians(a0 + (a1 - a0) * i / n)),
        )
        for i in range(n + 1)
    ]


# Digits drawn as strokes (no fonts needed), glyph box x -5..5, y -8..8
DIGITS = {
    "1": "M -3,-4.5 L 1,-8 L 1,8",
    "2": "M -5,-3.5 C -5,-9.5 5,-9.5 5,-3.5 C 5,0.5 -5,3.5 -5,8 L 5.5,8",
    "3": "M -5,-8 L 5,-8 L -0.5,-1.5 C 7,-2 7,8 0,8 C -3,8 -5,6.5 -5.5,5",
    "4": "M 2.5,8 L 2.5,-8 L -5.5,3.5 L 6,3.5",
}


def badge(x, y, digit, r=15.0):
    """Numbered circle (accent) with a stroked digit; never mirrored."""
    g = f'<circle cx="{fmt(x)}" cy="{fmt(y)}" r="{fmt(r)}" fill="{ACCENT}" stroke="{WHITE}" stroke-width="2.5"/>'
    s = r / 15.0
    d = xform(DIGITS[digit], chain(tr(x, y), sc(s)))
    g += f'<path d="{d}" fill="none" stroke="{WHITE}" stroke-width="{fmt(3.2 * s)}" stroke-linecap="round" stroke-linejoin="round"/>'
    return g


def point_mark(x, y):
    return (
        f'<circle cx="{fmt(x)}" cy="{fmt(y)}" r="11" fill="{ACCENT}" opacity="0.3"/>'
        f'<circle cx="{fmt(x)}" cy="{fmt(y)}" r="5.5" fill="{ACCENT}" stroke="{WHITE}" stroke-width="2"/>'
    )


def glow(x, y, rx, ry, angle=0.0):
    d = xform(ellipse_d(0, 0, rx, ry), chain(tr(x, y), rot(angle)))
    return (
        f'<path d="{d}" fill="{ACCENT}" opacity="0.22"/>'
        f'<path d="{d}" fill="none" stroke="{ACCENT}" stroke-width="2" stroke-dasharray="6 6" opacity="0.8"/>'
    )


def card_open():
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="{W}" height="{H}">'
        f'<path d="{rrect_d(CARD_X0, CARD_Y0, CARD_X1 - CARD_X0, CARD_Y1 - CARD_Y0, CARD_R)}" fill="{CARD}"/>'
    )


def card_close():
    return (
        f'<path d="{rrect_d(CARD_X0, CARD_Y0, CARD_X1 - CARD_X0, CARD_Y1 - CARD_Y0, CARD_R)}" '
        f'fill="none" stroke="{CARD_EDGE}" stroke-width="7"/></svg>\n'
    )


# --------------------------------------------------------------------------
# Shared figures
# --------------------------------------------------------------------------
def _torso_top():
    """Prone torso seen from above, head to the left, centre line y = 0."""
    half = [
        ((54, 30), (58, 42), (70, 46)),
        ((84, 50), (92, 44), (98, 42)),
        ((118, 38), (136, 33), (152, 33)),
        ((168, 33), (180, 40), (192, 43)),
        ((212, 47), (232, 40), (232, 22)),
        ((232, 10), (228, 3), (222, 0)),
    ]
    start = (48, 11)
    d = f"M {start[0]},{start[1]}"
    for c1, c2, p in half:
        d += f" C {c1[0]},{c1[1]} {c2[0]},{c2[1]} {p[0]},{p[1]}"
    # mirrored half, reversed
    prev = [start] + [seg[2] for seg in half]
    for i in range(len(half) - 1, -1, -1):
        c1, c2, p = half[i]
        p0 = prev[i]
        d += f" C {c2[0]},{-c2[1]} {c1[0]},{-c1[1]} {p0[0]},{-p0[1]}"
    return d + " Z"


TORSO_TOP = _torso_top()


def body_top(m, arms=True, legs=True, clip=None, fill=BODY):
    """Prone patient from above (body units: head x~2, feet x~368, width +-70)."""
    shapes = []
    if legs:
        for s in (1, -1):
            shapes.append(stadium_d(212, 20 * s, 288, 19 * s, 36, 30))
            shapes.append(stadium_d(288, 19 * s, 346, 16 * s, 28, 20))
            shapes.append(ellipse_d(357, 16 * s, 12, 9))
    shapes.append(TORSO_TOP)
    shapes.append(stadium_d(34, 0, 54, 0, 20))
    shapes.append(ellipse_d(21, 0, 20, 17))
    out = solid(shapes, fill, m, clip)
    if arms:
        arm = []
        for s in (1, -1):
            arm.append(stadium_d(70, 44 * s, 124, 55 * s, 21, 18))
            arm.append(stadium_d(124, 55 * s, 172, 58 * s, 18, 14))
            arm.append(ellipse_d(183, 58 * s, 12, 9))
        out += solid(arm, fill, m, clip)
    det = [
        "M 204,0 L 222,0",
        "M 84,-24 C 96,-16 110,-16 120,-22",
        "M 84,24 C 96,16 110,16 120,22",
    ]
    if legs:
        det += ["M 286,-28 Q 291,-19 286,-10", "M 286,28 Q 291,19 286,10"]
    out += lines(det, m, INK, DETAIL, opacity=0.6, clip=clip)
    out += lines(["M 62,0 L 198,0"], m, INK, 2.5, opacity=0.45, dash="0.1 7", clip=clip)
    return out


def mat_top(m, x0=-6, x1=380, hw=82):
    return plain([rrect_d(x0, -hw, x1 - x0, 2 * hw, 14)], MAT, m)


# Close-up of the back from above: scale 1.45, head at the left edge.
CLOSE = chain(tr(14, 150), sc(1.45))
FULL = chain(tr(16, 150), sc(1.0))


def close_back(extra_mat=True):
    out = ""
    if extra_mat:
        out += plain([rrect_d(-20, 62, 440, 176, 18)], MAT)
    out += body_top(CLOSE)
    return out


# lower back centre in CLOSE coordinates
def cpt(x, y, m=None):
    return ap(CLOSE if m is None else m, x, y)


def hand_flat(m, fill=LIGHT, forearm=True, clip=None):
    """Caregiver hand, palm down, fingers towards -y, wrist at +y."""
    shapes = [
        "M -17,24 L -18,-18 C -18,-46 18,-46 18,-18 L 18,24 Z",
        stadium_d(16, 6, 30, -14, 14, 12),
    ]
    if forearm:
        shapes.append(stadium_d(0, 24, 0, 240, 32, 38))
    out = solid(shapes, fill, m, clip)
    out += lines(["M -9,-38 L -9,-22", "M 0,-41 L 0,-24", "M 9,-38 L 9,-22"], m, INK, DETAIL, opacity=0.6)
    return out


def hand_thumb(m, fill=LIGHT, clip=None):
    """Hand pressing with the thumb; thumb tip at (0,0), thumb along -y."""
    shapes = [
        stadium_d(0, -5, 2, -40, 18, 20),
        "M -4,-32 C -8,-62 8,-78 30,-76 L 50,-74 C 62,-72 64,-58 60,-40 L 54,-30 C 40,-22 8,-22 -4,-32 Z",
        stadium_d(34, -60, 60, -300, 38, 44),
    ]
    out = solid(shapes, fill, m, clip)
    nail = xform(rrect_d(-5.5, -16, 11, 12, 5), m)
    out += f'<path d="{nail}" fill="{WHITE}" stroke="{INK}" stroke-width="1.5" opacity="0.9"/>'
    out += lines(
        ["M 22,-70 C 24,-60 24,-50 22,-44", "M 38,-70 C 40,-60 40,-50 38,-42"],
        m,
        INK,
        DETAIL,
        opacity=0.6,
    )
    return out


def fist(m, fill=LIGHT, clip=None):
    """Loose fist, knuckles towards -y (for ridge-like movements)."""
    shapes = [
        "M -24,10 C -28,-12 -24,-30 -14,-32 C -4,-36 4,-36 14,-32 C 24,-30 28,-12 24,10 Z",
        stadium_d(0, 8, 0, 220, 32, 38),
    ]
    out = solid(shapes, fill, m, clip)
    out += lines(
        [
            "M -12,-30 L -12,-16",
            "M 0,-34 L 0,-18",
            "M 12,-30 L 12,-16",
            "M -20,-4 C -8,2 8,2 20,-4",
        ],
        m,
        INK,
        DETAIL,
        opacity=0.6,
    )
    return out


def clock(x, y, r=28, minutes=30, hand_min=None):
    """Drawn clock; the elapsed sector is highlighted in the accent colour."""
    out = f'<circle cx="{fmt(x)}" cy="{fmt(y)}" r="{fmt(r + 3)}" fill="{INK}"/>'
    out += f'<circle cx="{fmt(x)}" cy="{fmt(y)}" r="{fmt(r)}" fill="{WHITE}"/>'
    a1 = -90 + 360.0 * minutes / 60.0
    pts = [(x, y)] + arc_pts(x, y, r - 4, -90, a1, n=max(4, int(minutes)))
    out += f'<path d="{poly_d(pts)}" fill="{ACCENT}" opacity="0.55"/>'
    ticks = []
    for i in range(12):
        a = math.radians(i * 30)
        r0 = r - 6 if i % 3 == 0 else r - 4
        ticks.append(
            f"M {fmt(x + r0 * math.cos(a))},{fmt(y + r0 * math.sin(a))} L {fmt(x + (r - 1.5) * math.cos(a))},{fmt(y + (r - 1.5) * math.sin(a))}"
        )
    out += lines(ticks, IDENT, INK, 2)
    hm = minutes if hand_min is None else hand_min
    a = math.radians(-90 + 360.0 * hm / 60.0)
    out += lines(
        [
            f"M {fmt(x)},{fmt(y)} L {fmt(x + (r - 8) * math.cos(a))},{fmt(y + (r - 8) * math.sin(a))}",
            f"M {fmt(x)},{fmt(y)} L {fmt(x)},{fmt(y - (r - 8))}",
        ],
        IDENT,
        INK,
        3,
    )
    out += f'<circle cx="{fmt(x)}" cy="{fmt(y)}" r="3" fill="{INK}"/>'
    return out


def timer(x, y, r=24, minutes=3, span=5):
    """Small kitchen-timer style clock: a sector for a few minutes."""
    out = stadium_like_button(x, y - r - 5)
    out += f'<circle cx="{fmt(x)}" cy="{fmt(y)}" r="{fmt(r + 3)}" fill="{INK}"/>'
    out += f'<circle cx="{fmt(x)}" cy="{fmt(y)}" r="{fmt(r)}" fill="{WHITE}"/>'
    a1 = -90 + 360.0 * minutes / span
    pts = [(x, y)] + arc_pts(x, y, r - 4, -90, a1, n=24)
    out += f'<path d="{poly_d(pts)}" fill="{ACCENT}" opacity="0.55"/>'
    ticks = []
    for i in range(span):
        a = math.radians(-90 + i * 360.0 / span)
        ticks.append(
            f"M {fmt(x + (r - 6) * math.cos(a))},{fmt(y + (r - 6) * math.sin(a))} L {fmt(x + (r - 1.5) * math.cos(a))},{fmt(y + (r - 1.5) * math.sin(a))}"
        )
    out += lines(ticks, IDENT, INK, 2)
    a = math.radians(a1)
    out += lines(
        [f"M {fmt(x)},{fmt(y)} L {fmt(x + (r - 7) * math.cos(a))},{fmt(y + (r - 7) * math.sin(a))}"],
        IDENT,
        INK,
        3,
    )
    out += f'<circle cx="{fmt(x)}" cy="{fmt(y)}" r="3" fill="{INK}"/>'
    return out


def stadium_like_button(x, y):
    return f'<path d="{rrect_d(x - 6, y - 6, 12, 9, 3)}" fill="{INK}"/>'


def jar_top(x, y, r=17):
    """Glass jar seen from above, holding the skin."""
    return (
        f'<circle cx="{fmt(x)}" cy="{fmt(y)}" r="{fmt(r + 1.5)}" fill="{INK}"/>'
        f'<circle cx="{fmt(x)}" cy="{fmt(y)}" r="{fmt(r - 1.5)}" fill="{WHITE}"/>'
        f'<circle cx="{fmt(x)}" cy="{fmt(y)}" r="{fmt(r * 0.62)}" fill="{BODY}" stroke="{INK}" stroke-width="1.5" opacity="0.9"/>'
        f'<path d="{catmull(arc_pts(x, y, r * 0.8, 200, 250, n=4))}" fill="none" stroke="{WHITE}" stroke-width="3" stroke-linecap="round"/>'
    )


JAR_SIDE = "M -20,0 C -30,-8 -34,-26 -30,-40 C -25,-58 25,-58 30,-40 C 34,-26 30,-8 20,0 Z"


def jar_side(m, skin=True):
    """Glass jar from the side, mouth at (0,0) pointing +y."""
    out = ""
    out += f'<path d="{xform(JAR_SIDE, m)}" fill="{WHITE}" stroke="{INK}" stroke-width="{fmt(OUTLINE)}" stroke-linejoin="round" opacity="0.92"/>'
    if skin:
        out += (
            f'<path d="{xform("M -19,0 C -14,-22 14,-22 19,0 Z", m)}" fill="{BODY}" stroke="{INK}" stroke-width="1.5"/>'
        )
    out += lines(["M -22,0 L 22,0"], m, INK, 5)
    out += lines(["M -20,-38 C -18,-48 -10,-52 -2,-53"], m, WHITE, 3)
    return out


def flame(x, y, s=1.0):
    outer = "M 0,0 C -14,0 -16,-14 -10,-24 C -6,-31 -2,-36 0,-46 C 6,-36 16,-26 14,-12 C 13,-4 8,0 0,0 Z"
    inner = "M 0,-3 C -6,-3 -7,-10 -4,-16 C -2,-20 0,-24 0,-28 C 4,-22 8,-16 6,-9 C 5,-5 3,-3 0,-3 Z"
    m = chain(tr(x, y), sc(s))
    return plain([outer], ACCENT, m) + plain([inner], WHITE, m, opacity=0.6)


def bottle(m, cap=True, fill=LIGHT):
    """Bottle from the side, standing on (0,0)."""
    shapes = ["M -18,0 L -18,-44 C -18,-56 -8,-58 -7,-64 L -7,-72 L 7,-72 L 7,-64 C 8,-58 18,-56 18,-44 L 18,0 Z"]
    out = solid(shapes, fill, m)
    if cap:
        out += solid([rrect_d(-9, -86, 18, 16, 3)], INK, m)
    out += lines(["M -10,-12 L -10,-40"], m, WHITE, 3)
    return out


def drops(pts, s=1.0):
    d = "M 0,-9 C 3,-4 6,-1 6,3 C 6,7 3,9 0,9 C -3,9 -6,7 -6,3 C -6,-1 -3,-4 0,-9 Z"
    return plain([d], ACCENT, chain()) if False else "".join(plain([d], ACCENT, chain(tr(x, y), sc(s))) for x, y in pts)


def blanket_top(m, x0, x1, hw=86, bumps=()):
    d = f"M {x0},{-hw} C {(x0 + x1) / 2},{-hw - 6} {(x0 + x1) / 2},{-hw + 4} {x1},{-hw} L {x1 + 6},{hw} C {(x0 + x1) / 2},{hw + 6} {(x0 + x1) / 2},{hw - 4} {x0 - 6},{hw} Z"
    out = solid([d], LIGHT, m)
    folds = [
        f"M {x0 + 30},{-hw + 10} C {x0 + 60},{-20} {x0 + 50},{20} {x0 + 70},{hw - 12}",
        f"M {x1 - 40},{-hw + 12} C {x1 - 60},{-30} {x1 - 30},{30} {x1 - 50},{hw - 10}",
    ]
    out += lines(folds, m, BODY, DETAIL)
    for bx, by in bumps:
        X, Y = ap(m, bx, by)
        out += f'<ellipse cx="{fmt(X)}" cy="{fmt(Y + 3)}" rx="20" ry="15" fill="{BODY}" opacity="0.45"/>'
        out += f'<ellipse cx="{fmt(X - 2)}" cy="{fmt(Y)}" rx="17" ry="13" fill="{WHITE}" stroke="{INK}" stroke-width="2" opacity="0.8"/>'
    # top edge stitching
    return out


# --------------------------------------------------------------------------
# Back view (standing orientation) used for the acupressure maps
# --------------------------------------------------------------------------
def _back_view():
    left = [
        ((-40, -60), (-38, -10), (-40, 0)),
        ((-44, 15), (-55, 30), (-56, 52)),
        ((-57, 82), (-53, 112), (-48, 140)),
        ((-45, 165), (-40, 180), (-38, 192)),
        ((-41, 210), (-43, 228), (-34, 245)),
        ((-28, 256), (-25, 262), (-24, 268)),
        ((-27, 278), (-22, 288), (-14, 288)),
        ((-7, 288), (-5, 278), (-8, 268)),
        ((-9, 250), (-12, 232), (-12, 215)),
        ((-12, 205), (-10, 198), (-9, 192)),
        ((-8, 170), (-5, 140), (-3, 114)),
        ((-2, 110), (-1, 109), (0, 109)),
    ]
    start = (-46, -120)
    d = f"M {start[0]},{start[1]}"
    for c1, c2, p in left:
        d += f" C {c1[0]},{c1[1]} {c2[0]},{c2[1]} {p[0]},{p[1]}"
    prev = [start] + [seg[2] for seg in left]
    for i in range(len(left) - 1, -1, -1):
        c1, c2, p = left[i]
        p0 = prev[i]
        d += f" C {-c2[0]},{c2[1]} {-c1[0]},{c1[1]} {-p0[0]},{p0[1]}"
    return d + " Z"


BACK = _back_view()
# acupressure points on the patient's LEFT side in back-view body units
P1 = (-17, 40)
P2 = (-25, 108)
P3 = (-23, 193)


def back_figure(m, clip=None):
    out = solid([BACK], BODY, m, clip)
    det = [
        "M 0,44 L 0,104",  # gluteal cleft
        "M -4,108 C -18,114 -36,112 -48,100",  # gluteal folds
        "M 4,108 C 18,114 36,112 48,100",
        "M -33,192 C -26,196 -18,196 -12,192",  # knee creases
        "M 33,192 C 26,196 18,196 12,192",
        "M -24,262 C -20,258 -14,258 -10,262",  # Achilles/heel
        "M 24,262 C 20,258 14,258 10,262",
    ]
    out += lines(det, m, INK, DETAIL, opacity=0.6, clip=clip)
    # sacrum outline (soft)
    out += lines(["M -13,22 L 13,22 L 0,50 L -13,22"], m, INK, 1.5, opacity=0.35, clip=clip)
    out += lines(["M 0,-110 L 0,18"], m, INK, 2.5, opacity=0.45, dash="0.1 7", clip=clip)
    return out


def front_ankles(m, clip=None):
    """Both lower legs and feet seen from the FRONT; legs at x = -22 / +22."""
    shapes = []
    det = []
    for c in (-22, 22):
        o = 1 if c > 0 else -1
        d = (
            f"M {c - 12},-120 C {c - 14},-40 {c - 12},10 {c - 10},42 "
            f"C {c - 11},52 {c - 15 + 2 * o},62 {c - 17 + 3 * o},74 "
            f"C {c - 19 + 3 * o},82 {c - 14 + 3 * o},86 {c - 8 + 3 * o},86 L {c + 8 + 3 * o},86 "
            f"C {c + 14 + 3 * o},86 {c + 19 + 3 * o},82 {c + 17 + 3 * o},74 "
            f"C {c + 15 + 2 * o},62 {c + 11},52 {c + 10},42 "
            f"C {c + 12},10 {c + 14},-40 {c + 12},-120 Z"
        )
        shapes.append(d)
        # toes facing the viewer, big toe on the inner side
        for i, (k, r) in enumerate(((-11.5, 5.2), (-4.5, 4.0), (1.5, 3.7), (7, 3.4), (12, 3.0))):
            shapes.append(ellipse_d(c + 3 * o + k * o, 86 - i * 0.8, r, r + 0.6))
        det.append(f"M {c - 9},50 Q {c},56 {c + 9},50")  # ankle crease
        det.append(f"M {c - 10},-40 Q {c - 6},-10 {c - 7},20")  # shin line
        det.append(f"M {c - 7 * o},38 Q {c - 12 * o},44 {c - 9 * o},50")  # inner ankle bone
        det.append(f"M {c + 7 * o},42 Q {c + 13 * o},48 {c + 10 * o},54")  # outer ankle bone
    out = solid(shapes, BODY, m, clip)
    out += lines(det, m, INK, DETAIL, opacity=0.6, clip=clip)
    return out


# ankle point in front-view units for the patient's LEFT leg (viewer's right)
P4_FRONT = (22, 54)


def press_arrows(x, y, r=26):
    """Clockwise arc above the point and the counter-clockwise return below."""
    out = arrow(arc_pts(x, y, r, 200, 335, n=10), head=11, sw=3.5)
    out += arrow(arc_pts(x, y, r, 160, 25, n=10), head=11, sw=3.5)
    return out


# --------------------------------------------------------------------------
# Scenes
# --------------------------------------------------------------------------
def s_prone_relaxed():
    out = card_open()
    out += plain([rrect_d(10, 72, 380, 156, 20)], MAT)
    # pillow under the head
    out += solid([rrect_d(12, 118, 52, 64, 18)], WHITE)
    out += body_top(chain(tr(22, 150), sc(0.98)))
    # calm breathing waves
    out += lines(["M 150,40 C 162,30 174,50 186,40 C 198,30 210,50 222,40"], IDENT, BODY, 3.5)
    out += lines(["M 170,262 C 182,252 194,272 206,262 C 218,252 230,272 242,262"], IDENT, BODY, 3.5)
    return out + card_close()


def s_stroking():
    out = card_open() + close_back()
    out += glow(*cpt(178, 0), 60, 62)
    for s in (-1, 1):
        x, y = cpt(190, 18 * s)
        out += arrow([cpt(206, 20 * s), cpt(176, 21 * s), cpt(146, 20 * s)], head=12)
    out += hand_flat(chain(tr(*cpt(188, -38)), rot(180 + 8)))
    out += hand_flat(chain(tr(*cpt(188, 38)), rot(-8)))
    # warmth lines
    for dx in (-26, 0, 26):
        x, y = cpt(168, 0)
        out += lines(
            [
                f"M {fmt(x + dx)},{fmt(y - 8)} C {fmt(x + dx - 6)},{fmt(y - 2)} {fmt(x + dx + 6)},{fmt(y + 4)} {fmt(x + dx)},{fmt(y + 10)}"
            ],
            IDENT,
            ACCENT,
            3,
        )
    return out + card_close()


def trochoid(x0, y0, x1, y1, loops, r):
    pts = []
    n = loops * 16
    for i in range(n + 1):
        t = i / n
        a = 2 * math.pi * loops * t
        pts.append((x0 + (x1 - x0) * t + r * math.sin(a), y0 + (y1 - y0) * t - r * math.cos(a) + r))
    return pts


def s_circular_ridge():
    out = card_open() + close_back()
    # affected area: no pressure here
    px, py = cpt(186, 14)
    out += glow(px, py, 24, 22)
    # circular movements along the upper back side
    pts = trochoid(*cpt(195, -24), *cpt(100, -24), 4, 9)
    out += arrow(pts, head=11, sw=3.5)
    out += hand_flat(chain(tr(*cpt(96, -30)), rot(200)))
    # ridge-like movements with the knuckles on the other side, away from the sore spot
    zz = []
    for i in range(9):
        x = 150 - i * 7.5
        zz.append(cpt(x, 24 + (7 if i % 2 else -3)))
    out += arrow(zz, head=11, sw=3.5, smooth=False)
    out += fist(chain(tr(*cpt(88, 30)), rot(-60)))
    return out + card_close()


def s_leg_massage():
    m = chain(tr(-110, 150), sc(1.32))
    out = card_open()
    out += plain([rrect_d(-20, 58, 440, 184, 18)], MAT)
    out += body_top(m)
    out += glow(*ap(m, 282, 19), 88, 26)
    out += arrow([ap(m, 330, 32), ap(m, 280, 34), ap(m, 232, 33)], head=12)
    out += hand_flat(chain(tr(*ap(m, 300, -4)), rot(200)))
    out += hand_flat(chain(tr(*ap(m, 258, 42)), rot(-20)))
    return out + card_close()


def s_arm_massage():
    m = chain(tr(30, 128), sc(1.45))
    out = card_open()
    out += plain([rrect_d(-20, 36, 440, 196, 18)], MAT)
    out += body_top(m)
    out += glow(*ap(m, 128, 55), 84, 20, angle=5)
    out += arrow([ap(m, 176, 78), ap(m, 128, 74), ap(m, 84, 64)], head=12)
    out += hand_flat(chain(tr(*ap(m, 150, 76)), rot(-12)))
    out += hand_flat(chain(tr(*ap(m, 100, 36)), rot(200)))
    return out + card_close()


def s_closing():
    out = card_open() + close_back()
    for s in (-1, 0, 1):
        y = 26 * s
        pts = [cpt(214, y * 0.8), cpt(160, y * 1.2), cpt(100, y * 1.1), cpt(64, y * 0.9)]
        out += arrow(pts, head=11, sw=3, dash="10 8")
    out += hand_flat(chain(tr(*cpt(196, -34)), rot(250)))
    return out + card_close()


# --- cupping -------------------------------------------------------------
def s_cup_torch():
    out = card_open()
    # side view of the back, lower left: the flame stays away from the body
    skin = "M -10,238 C 60,228 150,228 196,240 C 214,246 222,266 224,300 L -10,300 Z"
    out += solid([clipped(skin)], BODY)
    out += jar_side(chain(tr(80, 233), sc(0.8)))
    # side table on the right with the closed alcohol bottle set aside
    out += plain([rrect_d(262, 254, 124, 12, 6)], MAT)
    out += bottle(chain(tr(350, 254), sc(0.9)), cap=True)
    # jar held mouth-down, well above the patient
    jm = chain(tr(170, 132))
    out += hand_flat(chain(tr(170, 62), rot(180)))
    out += jar_side(jm, skin=False)
    # torch: metal holder with cotton; the flame goes into the jar for a moment
    out += lines(["M 172,118 L 256,182"], IDENT, INK, 5)
    out += solid([stadium_d(256, 182, 292, 209, 14)], LIGHT)
    out += f'<circle cx="172" cy="117" r="8" fill="{WHITE}" stroke="{INK}" stroke-width="2"/>'
    out += flame(172, 110, 0.5)
    # keep-apart distance between the flame and the body
    out += arrow([(128, 146), (128, 210)], color=INK, sw=2.5, dash="5 6", head=9, smooth=False, both=True)
    return out + card_close()


JAR_SPOTS = [(160, -17), (160, 17), (184, -18), (184, 18)]


def s_cup_placed():
    out = card_open() + close_back()
    for bx, by in JAR_SPOTS:
        out += jar_top(*cpt(bx, by * 1.25))
    return out + card_close()


def s_cup_cover():
    out = card_open()
    out += plain([rrect_d(-20, 62, 440, 176, 18)], MAT)
    out += body_top(CLOSE)
    bumps = [(bx, by * 1.25) for bx, by in JAR_SPOTS]
    out += blanket_top(CLOSE, 70, 300, hw=78, bumps=bumps)
    return out + card_close()


def s_cup_remove():
    out = card_open()
    skin = "M -10,196 C 100,184 300,184 410,200 L 410,300 L -10,300 Z"
    out += solid([clipped(skin)], BODY)
    # jar tilted away from the pressing thumb
    jm = chain(tr(214, 188), rot(16))
    out += f'<path d="{xform(JAR_SIDE, jm)}" fill="{WHITE}" stroke="{INK}" stroke-width="3" stroke-linejoin="round" opacity="0.92"/>'
    out += f'<path d="{xform("M -19,0 C -14,-18 14,-18 19,0 Z", jm)}" fill="{BODY}" stroke="{INK}" stroke-width="1.5"/>'
    out += lines(["M -22,0 L 22,0"], jm, INK, 5)
    # hand holding the jar from above
    out += hand_flat(chain(tr(258, 104), rot(206)))
    # thumb pressing the skin at the rim lets the air in
    rim = (186, 192)
    out += point_mark(*rim)
    out += hand_thumb(chain(tr(rim[0] - 2, rim[1] - 3), rot(-34), MIRROR_LOCAL))
    out += arrow([(112, 178), (144, 186), (172, 190)], head=10, sw=3.5)
    out += arrow(arc_pts(214, 188, 104, -104, -66, n=8), color=INK, sw=3, head=10)
    return out + card_close()


def s_rest_blanket():
    out = card_open()
    out += plain([rrect_d(-20, 86, 440, 152, 20)], MAT)
    m = chain(tr(24, 162), sc(0.84))
    out += solid([rrect_d(-6, -38, 50, 76, 18)], WHITE, m)
    out += body_top(m)
    out += blanket_top(m, 60, 372, hw=90)
    out += clock(340, 62, r=32, minutes=30, hand_min=30)
    out += lines(["M 40,60 C 52,50 64,70 76,60 C 88,50 100,70 112,60"], IDENT, BODY, 3.5)
    return out + card_close()


def s_dyn_oil():
    out = card_open() + close_back()
    out += glow(*cpt(182, 0), 50, 56)
    # oil sheen strokes
    for y in (-22, 0, 22):
        x0, yy = cpt(160, y)
        out += lines(
            [
                f"M {fmt(x0)},{fmt(yy)} C {fmt(x0 + 20)},{fmt(yy - 6)} {fmt(x0 + 40)},{fmt(yy + 6)} {fmt(x0 + 60)},{fmt(yy)}"
            ],
            IDENT,
            WHITE,
            3.5,
        )
    bm = chain(tr(300, 96), rot(140))
    out += bottle(bm, cap=False)
    out += drops([(262, 110), (256, 128), (250, 146)], 0.9)
    return out + card_close()


SILI_CUP = "M -24,0 C -22,-12 -14,-18 -12,-30 C -14,-44 -8,-52 0,-52 C 8,-52 14,-44 12,-30 C 14,-18 22,-12 24,0 Z"


def sili_cup(m, squeezed=False):
    d = SILI_CUP
    if squeezed:
        d = "M -24,0 C -22,-12 -10,-18 -7,-30 C -9,-44 -6,-52 0,-52 C 6,-52 9,-44 7,-30 C 10,-18 22,-12 24,0 Z"
    out = solid([d], LIGHT, m)
    out += lines(["M -24,0 L 24,0"], m, INK, 5)
    return out


def s_dyn_apply():
    out = card_open()
    skin = "M -10,214 C 100,202 300,202 410,218 L 410,300 L -10,300 Z"
    out += solid([clipped(skin)], BODY)
    out += lines(["M 150,205 C 190,200 230,200 270,206"], IDENT, WHITE, 3.5)
    out += glow(210, 212, 46, 12)
    # squeezed cup pinched by two thumbs above the sore spot
    cm = chain(tr(210, 172), sc(1.3))
    out += sili_cup(cm, squeezed=True)
    out += hand_thumb(chain(tr(198, 134), rot(-90), MIRROR_LOCAL))
    out += hand_thumb(chain(tr(222, 134), rot(90)))
    out += arrow([(150, 104), (176, 118)], head=11, smooth=False)
    out += arrow([(270, 104), (244, 118)], head=11, smooth=False)
    out += arrow([(210, 60), (210, 90)], head=12, smooth=False)
    return out + card_close()


def cup_top(x, y):
    return (
        f'<circle cx="{fmt(x)}" cy="{fmt(y)}" r="21.5" fill="{INK}"/>'
        f'<circle cx="{fmt(x)}" cy="{fmt(y)}" r="18.5" fill="{LIGHT}"/>'
        f'<circle cx="{fmt(x)}" cy="{fmt(y)}" r="9" fill="{BODY}" stroke="{INK}" stroke-width="2"/>'
    )


def _dyn_base():
    out = card_open() + close_back()
    for y in (-24, 24):
        x0, yy = cpt(150, y)
        out += lines(
            [
                f"M {fmt(x0)},{fmt(yy)} C {fmt(x0 + 24)},{fmt(yy - 5)} {fmt(x0 + 48)},{fmt(yy + 5)} {fmt(x0 + 72)},{fmt(yy)}"
            ],
            IDENT,
            WHITE,
            3,
        )
    return out


def s_dyn_straight():
    out = _dyn_base()
    # straight strokes beside the spine (on the muscles, never on the spine)
    out += arrow([cpt(200, 24), cpt(140, 24)], head=12, smooth=False)
    out += arrow([cpt(140, 36), cpt(200, 36)], head=12, smooth=False)
    out += cup_top(*cpt(203, 24))
    return out + card_close()


def s_dyn_spiral():
    out = _dyn_base()
    cx, cy = cpt(172, 26)
    pts = []
    for i in range(0, 61):
        t = i / 60
        a = 2 * math.pi * 2.4 * t
        r = 6 + 26 * t
        pts.append((cx + r * math.cos(a), cy + r * 0.82 * math.sin(a)))
    out += arrow(pts, head=12, sw=3.5)
    out += cup_top(cx, cy)
    return out + card_close()


def s_dyn_s():
    out = _dyn_base()
    pts = []
    for i in range(0, 41):
        t = i / 40
        x = 214 - 92 * t
        y = 27 + 14 * math.sin(2 * math.pi * 1.0 * t)
        pts.append(cpt(x, y))
    out += arrow(pts, head=12, sw=3.5)
    out += cup_top(*pts[0])
    return out + card_close()


def s_wrap():
    out = card_open()
    out += plain([rrect_d(-20, 62, 440, 176, 18)], MAT)
    out += body_top(CLOSE, arms=False)
    # scarf wrapped around the waist, ends tucked at the side
    band = "M 148,-42 C 170,-46 196,-46 212,-44 L 214,44 C 196,48 170,48 150,44 Z"
    out += solid([band], LIGHT, CLOSE)
    out += lines(["M 158,-42 L 160,44", "M 204,-44 L 206,44"], CLOSE, BODY, 3)
    ends = ["M 172,42 L 196,42 L 200,64 L 176,66 Z", "M 160,42 L 178,42 L 166,64 L 146,60 Z"]
    out += solid(ends, LIGHT, CLOSE)
    arms = []
    for s in (1, -1):
        arms.append(stadium_d(70, 44 * s, 124, 55 * s, 21, 18))
        arms.append(stadium_d(124, 55 * s, 172, 58 * s, 18, 14))
        arms.append(ellipse_d(183, 58 * s, 12, 9))
    out += solid(arms, BODY, CLOSE)
    for dx in (-28, 0, 28):
        x, y = cpt(181, 0)
        out += lines(
            [
                f"M {fmt(x + dx)},{fmt(y - 26)} C {fmt(x + dx - 8)},{fmt(y - 12)} {fmt(x + dx + 8)},{fmt(y + 2)} {fmt(x + dx)},{fmt(y + 16)}"
            ],
            IDENT,
            ACCENT,
            3.5,
        )
    return out + card_close()


# --- honey ---------------------------------------------------------------
HONEY_AREA = (
    "M 150,-30 C 170,-40 200,-36 206,-16 C 212,6 204,34 180,36 C 158,38 146,20 146,2 C 146,-12 144,-24 150,-30 Z"
)


def spoon(m):
    shapes = [ellipse_d(0, 0, 22, 15), stadium_d(18, -6, 110, -40, 9, 10)]
    out = solid(shapes, LIGHT, m)
    out += plain([ellipse_d(-2, 1, 15, 9)], ACCENT, m)
    return out


def s_honey_apply():
    out = card_open() + close_back()
    hx, hy = cpt(176, 0)
    out += f'<ellipse cx="{fmt(hx)}" cy="{fmt(hy)}" rx="22" ry="16" fill="{ACCENT}" opacity="0.85"/>'
    out += lines(
        [
            f"M {fmt(hx)},{fmt(hy - 16)} C {fmt(hx + 2)},{fmt(hy - 40)} {fmt(hx + 10)},{fmt(hy - 60)} {fmt(hx + 14)},{fmt(hy - 76)}"
        ],
        IDENT,
        ACCENT,
        5,
    )
    out += spoon(chain(tr(hx + 26, hy - 92), rot(-150)))
    # slightly warmed honey
    for dx in (-14, 0, 14):
        x, y = hx + 30 + dx, hy - 116
        out += lines(
            [f"M {fmt(x)},{fmt(y)} C {fmt(x - 5)},{fmt(y - 6)} {fmt(x + 5)},{fmt(y - 12)} {fmt(x)},{fmt(y - 18)}"],
            IDENT,
            ACCENT,
            2.5,
        )
    return out + card_close()


def s_honey_absorb():
    out = card_open() + close_back()
    out += plain([HONEY_AREA], ACCENT, CLOSE, opacity=0.55)
    # absorbing: small dots fading into the skin
    for x, y in [(160, -14), (174, 8), (190, -6), (168, 24), (192, 20), (182, -24)]:
        X, Y = cpt(x, y)
        out += f'<circle cx="{fmt(X)}" cy="{fmt(Y)}" r="3.5" fill="{WHITE}" opacity="0.8"/>'
    out += timer(336, 66, r=28, minutes=3)
    return out + card_close()


def s_honey_rub():
    out = card_open() + close_back()
    out += plain([HONEY_AREA], ACCENT, CLOSE, opacity=0.4)
    cx, cy = cpt(178, 2)
    out += arrow(arc_pts(cx, cy, 46, 200, 520, n=30, ry=38), head=12, sw=3.5)
    out += hand_flat(chain(tr(cx + 6, cy + 10), rot(-30)))
    return out + card_close()


def s_honey_pats():
    out = card_open()
    skin = "M -10,214 C 100,202 300,202 410,218 L 410,300 L -10,300 Z"
    out += solid([clipped(skin)], BODY)
    out += lines(["M 80,207 C 160,199 240,199 320,207"], IDENT, ACCENT, 6)
    # palms lifting off; honey strands between palm and skin
    for x, lift in ((140, 70), (270, 44)):
        y = 206 - lift
        out += lines(
            [
                f"M {x - 20},{y + 4} C {x - 16},{y + 20} {x - 20},{206 - 14} {x - 14},206",
                f"M {x + 12},{y + 4} C {x + 16},{y + 22} {x + 8},{206 - 12} {x + 14},206",
            ],
            IDENT,
            ACCENT,
            2.5,
        )
        out += hand_side(chain(tr(x, y)))
        out += arrow([(x - 46, y + 30), (x - 46, y - 6)], head=10, sw=3, smooth=False)
        out += arrow([(x + 48, y - 6), (x + 48, y + 30)], head=10, sw=3, smooth=False)
    return out + card_close()


def hand_side(m):
    """Flat palm seen from the side, palm facing down at y = 0, forearm up-right."""
    shapes = [
        "M -50,-4 C -52,-16 -44,-22 -32,-22 L 22,-26 C 34,-27 42,-30 48,-36 L 78,-14 C 66,2 46,4 24,4 L -38,4 C -46,4 -50,2 -50,-4 Z",
        stadium_d(62, -26, 132, -110, 36, 42),
    ]
    out = solid(shapes, LIGHT, m)
    out += lines(["M -38,-10 L 4,-12", "M 14,-26 C 20,-16 30,-12 40,-14"], m, INK, DETAIL, opacity=0.6)
    return out


def s_honey_wipe():
    out = card_open() + close_back()
    # white coating
    for x, y, r in [
        (156, -20, 6),
        (170, -6, 5),
        (186, -22, 5),
        (196, 4, 6),
        (164, 16, 5),
        (182, 20, 6),
        (150, 2, 4),
        (200, -10, 4),
    ]:
        X, Y = cpt(x, y)
        out += f'<circle cx="{fmt(X)}" cy="{fmt(Y)}" r="{fmt(r * 1.4)}" fill="{WHITE}" opacity="0.9"/>'
    # folded cloth under the hand
    cx, cy = cpt(170, 40)
    cloth = rrect_d(cx - 36, cy - 20, 72, 40, 8)
    out += solid([cloth], WHITE)
    out += lines(
        [
            f"M {fmt(cx - 30)},{fmt(cy - 4)} L {fmt(cx + 30)},{fmt(cy - 4)}",
            f"M {fmt(cx - 30)},{fmt(cy + 8)} L {fmt(cx + 30)},{fmt(cy + 8)}",
        ],
        IDENT,
        LIGHT,
        3,
    )
    out += hand_flat(chain(tr(cx + 4, cy + 16), rot(-10)))
    out += arrow([(cx + 50, cy - 30), (cx + 10, cy - 54), (cx - 44, cy - 50)], head=11, sw=3.5)
    # steam from the warm cloth
    for dx in (-24, -6, 12):
        x, y = cx + dx - 40, cy + 0
        out += lines(
            [f"M {fmt(x)},{fmt(y)} C {fmt(x - 6)},{fmt(y - 8)} {fmt(x + 6)},{fmt(y - 14)} {fmt(x)},{fmt(y - 22)}"],
            IDENT,
            INK,
            2.5,
            opacity=0.5,
        )
    return out + card_close()


# --- acupressure -----------------------------------------------------------
MAP_M = chain(tr(218, 42), sc(0.84))


INSET = (16, 150, 136, 284)


def acu_map(side):
    """Body from behind with the four points on the patient's left side (the
    viewer's left); the right-side version is the mirror image of the layout,
    with the digits kept unmirrored."""
    flip = MIRROR if side == "right" else IDENT
    sgn = 1 if side == "left" else -1
    out = card_open()
    mm = chain(flip, MAP_M)
    out += back_figure(mm)
    pts = [ap(mm, *P1), ap(mm, *P2), ap(mm, *P3)]
    # inset: both ankles seen from the front (patient's left leg on the viewer's right)
    x0, y0, x1, y1 = INSET
    ip = rrect_poly(x0, y0, x1, y1, 14)
    if side == "right":
        ip = list(reversed([ap(MIRROR, *q) for q in ip]))
        ix0, ix1 = W - x1, W - x0
    else:
        ix0, ix1 = x0, x1
    out += f'<path d="{rrect_d(ix0, y0, ix1 - ix0, y1 - y0, 14)}" fill="{WHITE}" stroke="{INK}" stroke-width="2"/>'
    fm = chain(flip, tr((x0 + x1) / 2, 186), sc(1.05))
    out += front_ankles(fm, clip=ip)
    p4 = ap(fm, *P4_FRONT)
    ankle = ap(mm, -16, 264)
    corner = ap(flip, x1, 236)
    out += lines(
        [f"M {fmt(ankle[0] - 9 * sgn)},{fmt(ankle[1])} L {fmt(corner[0])},{fmt(corner[1])}"],
        IDENT,
        INK,
        2,
        opacity=0.6,
        dash="4 6",
    )
    out += f'<circle cx="{fmt(ankle[0])}" cy="{fmt(ankle[1])}" r="8" fill="none" stroke="{INK}" stroke-width="2" opacity="0.7"/>'
    for p in pts + [p4]:
        out += point_mark(*p)
    offs = [(-52, -6), (-60, 6), (-56, 0)]
    for p, (dx, dy), dg in zip(pts, offs, "123", strict=False):
        bx, by = p[0] + dx * sgn, p[1] + dy
        out += lines([f"M {fmt(p[0])},{fmt(p[1])} L {fmt(bx)},{fmt(by)}"], IDENT, ACCENT, 2.5)
        out += badge(bx, by, dg)
    bx, by = p4[0] - 44 * sgn, p4[1] - 44
    out += lines([f"M {fmt(p4[0])},{fmt(p4[1])} L {fmt(bx)},{fmt(by)}"], IDENT, ACCENT, 2.5)
    out += badge(bx, by, "4")
    return out + card_close()


def acu_point(which, side):
    flip = MIRROR if side == "right" else IDENT
    out = card_open()
    if which == 1:
        m = chain(flip, tr(200, 96), sc(2.3))
        out += back_figure(m)
        p = ap(m, *P1)
        q = ap(m, -P1[0], P1[1])
        out += f'<circle cx="{fmt(q[0])}" cy="{fmt(q[1])}" r="11" fill="none" stroke="{ACCENT}" stroke-width="2" stroke-dasharray="4 5"/>'
        hm = chain(tr(*p), rot(-150 if side == "left" else 150))
    elif which == 2:
        m = chain(flip, tr(220, -50), sc(1.9))
        out += back_figure(m)
        p = ap(m, *P2)
        hm = chain(tr(*p), rot(-160 if side == "left" else 160))
    elif which == 3:
        m = chain(flip, tr(210, -250), sc(2.1))
        out += back_figure(m)
        p = ap(m, *P3)
        hm = chain(tr(*p), rot(-200 if side == "left" else 200))
    else:
        m = chain(flip, tr(196, 44), sc(2.5))
        out += front_ankles(m)
        p = ap(m, *P4_FRONT)
        hm = chain(tr(*p), rot(-20 if side == "left" else 20))
    out += point_mark(*p)
    out += press_arrows(*p, r=30)
    if side == "right":
        hm = chain(hm, MIRROR_LOCAL)
    out += hand_thumb(hm)
    bx = p[0] - 62 if side == "left" else p[0] + 62
    if which == 4:
        bx = p[0] + 62 if side == "left" else p[0] - 62
    out += badge(bx, p[1] - 44, str(which))
    return out + card_close()


MIRROR_LOCAL = (-1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def s_sciatic_map():
    out = card_open()
    m = chain(tr(200, 42), sc(0.84))
    out += back_figure(m)
    out += lines(["M -36,-4 L 36,-4"], m, INK, 2, opacity=0.5, dash="6 6")  # waist
    for s in (-1, 1):
        trunk = f"M {8 * s},4 C {14 * s},30 {26 * s},60 {26 * s},96 C {26 * s},130 {25 * s},160 {24 * s},178"
        tib = f"M {24 * s},178 C {24 * s},200 {23 * s},230 {18 * s},262"
        per = f"M {24 * s},178 C {30 * s},190 {36 * s},200 {36 * s},226"
        roots = [
            f"M {3 * s},-12 C {6 * s},-4 {8 * s},0 {8 * s},4",
            f"M {3 * s},16 C {6 * s},10 {8 * s},6 {8 * s},4",
        ]
        out += lines([trunk] + roots, m, ACCENT, 7)
        out += lines([tib, per], m, ACCENT, 4)
        kx, ky = ap(m, 24 * s, 178)
        out += f'<circle cx="{fmt(kx)}" cy="{fmt(ky)}" r="7" fill="{ACCENT}" stroke="{WHITE}" stroke-width="2.5"/>'
    return out + card_close()


SCENES = {
    "prone-relaxed": s_prone_relaxed,
    "stroking-warm-up": s_stroking,
    "circular-ridge-movements": s_circular_ridge,
    "leg-massage": s_leg_massage,
    "arm-massage": s_arm_massage,
    "closing-light-strokes": s_closing,
    "cupping-light-torch": s_cup_torch,
    "cupping-jars-placed": s_cup_placed,
    "cupping-cover-blanket": s_cup_cover,
    "cupping-remove-jar": s_cup_remove,
    "rest-under-blanket": s_rest_blanket,
    "dynamic-oil-skin": s_dyn_oil,
    "dynamic-apply-cup": s_dyn_apply,
    "dynamic-move-straight": s_dyn_straight,
    "dynamic-move-spiral": s_dyn_spiral,
    "dynamic-move-s-shape": s_dyn_s,
    "wrap-lower-back": s_wrap,
    "acupressure-map-left": lambda: acu_map("left"),
    "acupressure-map-right": lambda: acu_map("right"),
    "acupressure-point-1-sacral": lambda: acu_point(1, "left"),
    "acupressure-point-2-gluteal-left": lambda: acu_point(2, "left"),
    "acupressure-point-2-gluteal-right": lambda: acu_point(2, "right"),
    "acupressure-point-3-knee-left": lambda: acu_point(3, "left"),
    "acupressure-point-3-knee-right": lambda: acu_point(3, "right"),
    "acupressure-point-4-ankle-left": lambda: acu_point(4, "left"),
    "acupressure-point-4-ankle-right": lambda: acu_point(4, "right"),
    "honey-apply": s_honey_apply,
    "honey-absorb": s_honey_absorb,
    "honey-rub": s_honey_rub,
    "honey-pats": s_honey_pats,
    "honey-wipe": s_honey_wipe,
    "sciatic-nerve-map": s_sciatic_map,
}


def default_out_dir() -> Path:
    return Path(__file__).resolve().parents[3] / "resources" / "illustrations"


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out_dir = Path(argv[0]) if argv else default_out_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, fn in SCENES.items():
        svg = fn()
        (out_dir / f"{name}.svg").write_text(svg, encoding="utf-8")
    print(f"wrote {len(SCENES)} illustrations to {out_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
