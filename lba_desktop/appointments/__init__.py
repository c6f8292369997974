"""RDV Apprentissage requests: the form, the outbox (its records and storage), the sender."""

from lba_desktop.appointments.form import (
    APPOINTMENT_ORIGIN,
    REASONS,
    ApplicantType,
    AppointmentForm,
    Channel,
    DuplicateRequest,
    FormInvalid,
    TrainingInfo,
    reason_keys,
    validate_form,
)
from lba_desktop.appointments.records import (
    AppointmentRequest,
    RequestNotFound,
    RequestStatus,
    SendReport,
)
from lba_desktop.appointments.sender import AppointmentService, retry_delay

__all__ = [
    "APPOINTMENT_ORIGIN",
    "REASONS",
    "ApplicantType",
    "AppointmentForm",
    "AppointmentRequest",
    "AppointmentService",
    "Channel",
    "DuplicateRequest",
    "FormInvalid",
    "RequestNotFound",
    "RequestStatus",
    "SendReport",
    "TrainingInfo",
    "reason_keys",
    "retry_delay",
    "validate_form",
]
