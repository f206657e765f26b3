from flask import Blueprint

bp = Blueprint("statute", __name__)
