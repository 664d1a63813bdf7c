from ninja import Router

plans_router = Router(tags=["work plans"])
tasks_router = Router(tags=["tasks"])
