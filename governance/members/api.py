from flask_smorest import Blueprint

blp = Blueprint("members_api", __name__, url_prefix="/api/v1", description="members")
