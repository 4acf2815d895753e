"""The ward register: boundary sets, local authorities, wards, designations, locating a point or
grid reference, the register pages and `flask wards`."""
