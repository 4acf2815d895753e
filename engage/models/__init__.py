"""The data, in the users' words. Constraints live in the database (see migrations)."""
from engage.models.geography import (  # noqa: F401
    DESIGNATIONS,
    BoundarySet,
    LocalAuthority,
    Ward,
    WardDesignation,
)
from engage.models.people import (  # noqa: F401
    COVERAGE,
    ROLES,
    TEAM_KINDS,
    ApiToken,
    LoginSession,
    Team,
    User,
    UserRole,
    team_member,
    team_ward,
)
from engage.models.audit import AuditEvent  # noqa: F401
from engage.models.capture import (  # noqa: F401
    CONCERN_CHANNELS,
    CONCERN_STATUSES,
    LOCATION_SOURCES,
    MEETING_KINDS,
    MEETING_STATUSES,
    PRIORITIES,
    Category,
    Concern,
    ConcernCorrection,
    Meeting,
    meeting_team,
    meeting_ward,
)
from engage.models.routing import (  # noqa: F401
    OUTBOX_STATES,
    ROUTED_BY,
    ConcernRouting,
    OutboxMessage,
    RoutingRule,
    StatusChange,
    WardUpdate,
    concern_copy,
    routing_rule_copy,
)
