from django.urls import path

from yaojian.trace.views import epcis

app_name = "epcis"

# The EPCIS 2.0 REST binding (mounted at /epcis/).
urlpatterns = [
    path("capture", epcis.capture, name="capture"),
    path("capture/<uuid:job_id>", epcis.capture_job, name="capture_job"),
    path("events", epcis.events, name="events"),
    path("events/<path:event_id>", epcis.event, name="event"),
    path("epcs/<path:epc>/events", epcis.epc_events, name="epc_events"),
]
