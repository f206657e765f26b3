from flask_smorest import Blueprint

blp = Blueprint("statute_api", __name__, url_prefix="/api/v1", description="statute")
