"""Every model, imported once so that Flask-Migrate sees the whole metadata."""
from .assemblies import models as _assemblies  # noqa: F401
from .auth import models as _auth  # noqa: F401
from .core import audit as _audit, outbox as _outbox  # noqa: F401
from .lifecycle import models as _lifecycle  # noqa: F401
from .loans import models as _loans  # noqa: F401
from .members import models as _members  # noqa: F401
from .statute import models as _statute  # noqa: F401
from .votes import models as _votes  # noqa: F401
