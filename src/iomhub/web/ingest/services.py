"""The state changes of ``/data/``: each one function, in one ``audited(...)`` transaction with its
audit row, called by the views (and by ``jobs`` for the import itself)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from iomhub.package import PackageError
from iomhub.package.mapping import Mapping
from iomhub.web.accounts.models import Agency, User
from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import Actor, audited
from iomhub.web.ingest import storage, workspace
from iomhub.web.ingest.models import ImportJob, MappingVersion, SavedMapping, Upload


def _agency(user: User) -> Agency:
    """The importer's agency (an importer always has one: ``permissions.imports_data``)."""
    if user.agency is None:
        raise ValueError(f"{user.get_username()} has no agency")
    return user.agency


def receive_upload(actor: Actor, user: User, files: Iterable[storage.Incoming],
                   source: SavedMapping | None = None) -> Upload:
    """Store the files (``storage.store``, refused with ``UploadRefused``) and start their mapping:
    the saved mapping's latest version if one is chosen (a table whose file is not among the new
    files is read from the file the suggestion finds for it), else the suggestion of
    ``iomhub mapping suggest``. The files are removed again if the record cannot be written."""
    stored = storage.store(files)
    try:
        path = storage.package_path(stored.folder, stored.kind, stored.files)
        start = workspace.suggested(path)
        version = source.latest if source is not None else None
        if version is not None:
            try:
                names = workspace.files_of(path)
            except PackageError:  # the mapping page says why the files cannot be read
                names = []
            start = workspace.adapted(Mapping.from_toml(version.text, workspace.LABEL), start, names)
        with audited(actor) as audit:
            upload = Upload.objects.create(agency=_agency(user), uploaded_by=user, uploaded_at=timezone.now(),
                                           folder=stored.folder, kind=stored.kind, files=stored.files,
                                           mapping_text=start.to_toml(), based_on=version)
            audit.record(Operation.COLLECTION, upload, detail={
                "uploaded": stored.files, "mapping": str(version) if version else "suggested"})
    except BaseException:
        storage.remove(stored.folder)
        raise
    return upload


def keep_mapping(actor: Actor, upload: Upload, mapping: Mapping) -> Upload:
    """Keep the mapping built on the page for the upload (written as package.toml text)."""
    text = mapping.to_toml()
    if text == upload.mapping_text:
        return upload
    with audited(actor) as audit:
        upload.mapping_text = text
        upload.full_clean()
        upload.save(update_fields=["mapping_text"])
        audit.record(Operation.ALTERATION, upload, detail={"mapping": "changed on the mapping page"})
    return upload


def save_mapping(actor: Actor, user: User, name: str, mapping: Mapping) -> MappingVersion:
    """Save the mapping under ``name`` for the user's agency: a new name is version 1, a name
    already used gets the next version (an unchanged text adds none); versions are never changed."""
    text = mapping.to_toml()
    with audited(actor) as audit:
        saved = SavedMapping.objects.filter(agency=_agency(user), name=name.strip()).first()
        if saved is None:
            saved = SavedMapping(agency=_agency(user), name=name.strip())
            saved.full_clean()
            saved.save()
            audit.record(Operation.COLLECTION, saved, detail={"name": saved.name})
        latest = saved.latest
        if latest is not None and latest.text == text:
            unchanged: MappingVersion = latest
            return unchanged
        number = (saved.versions.aggregate(last=Max("number"))["last"] or 0) + 1
        version = MappingVersion(mapping=saved, number=number, text=text, saved_by=user.get_username(),
                                 saved_at=timezone.now())
        version.full_clean()
        version.save()
        audit.record(Operation.COLLECTION, version, detail={"mapping": saved.name, "version": number})
    return version


def queue_import(actor: Actor, user: User, upload: Upload, snapshot: list[str]) -> ImportJob:
    """Ask for the upload to be imported with its mapping as it stands (``jobs`` runs it in the
    background; the worker thread is started once this transaction commits)."""
    from iomhub.web.ingest import jobs

    with audited(actor) as audit:
        job = ImportJob.objects.create(upload=upload, agency=_agency(user), requested_by=user,
                                       requested_at=timezone.now(), mapping_text=upload.mapping_text,
                                       snapshot=sorted(snapshot))
        audit.record(Operation.CONSULTATION, object_type="ingest.importjob", object_id=str(job.pk), detail={
            "requested": "import", "upload": upload.pk, "files": [f["name"] for f in upload.files],
            "whole tables": job.snapshot})
    transaction.on_commit(jobs.start_thread)
    return job
