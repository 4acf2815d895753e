"""Small boundary files the tests write themselves."""

import geopandas as gpd
from shapely.geometry import Polygon, box


# Squares in the sea off Hartlepool: outside every real Cleveland ward, so they never
# clash with the real register when located.
def square(i: int, size: float = 0.01):
    x0 = -1.05 + i * size
    return box(x0, 54.80, x0 + size, 54.80 + size)


def ward_frame(n=3, lad_code="E06000001", lad_name="Hartlepool", prefix="E0599990", crs="EPSG:4326", **columns):
    data = {
        "WD23CD": [f"{prefix}{i}" for i in range(n)],
        "WD23NM": [f"Test Ward {i}" for i in range(n)],
        "LAD23CD": [lad_code] * n,
        "LAD23NM": [lad_name] * n,
    }
    data.update(columns)
    frame = gpd.GeoDataFrame(data, geometry=[square(i) for i in range(n)], crs="EPSG:4326")
    return frame.to_crs(crs)


def bowtie():
    return Polygon([(-1.05, 54.80), (-1.04, 54.81), (-1.04, 54.80), (-1.05, 54.81), (-1.05, 54.80)])


def write(frame, path):
    driver = {".geojson": "GeoJSON", ".gpkg": "GPKG", ".shp": "ESRI Shapefile"}[path.suffix]
    frame.to_file(path, driver=driver)
    return path


def invalid_geometry_frame():
    frame = ward_frame(1)
    return gpd.GeoDataFrame(frame.drop(columns="geometry"), geometry=[bowtie()], crs="EPSG:4326")
