"""The data, in the users' words. Constraints live in the database (see migrations)."""
from engage.models.geography import (  # noqa: F401
    DESIGNATIONS,
    BoundarySet,
    LocalAuthority,
    Ward,
    WardDesignation,
)
