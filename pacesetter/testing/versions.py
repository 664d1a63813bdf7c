"""Two edits of one record from the same version (``core.versions``), as two tabs make
them: the first is saved, the second is refused and saves nothing. The tests then read
the record and check that it holds the first edit's values."""

from __future__ import annotations

from typing import Any

from .api import ApiClient, assert_error_shape

#: The start of the refusal's message (``core.versions.next_version``), in English.
REFUSAL = "Someone else saved this"


def two_screen_edits(
    client: Any,
    url: str,
    first: dict[str, Any],
    second: dict[str, Any],
    *,
    refusal: str = REFUSAL,
    post_url: str | None = None,
    form_name: str = "form",
) -> int:
    """Open the edit page at ``url`` (its hidden ``version`` rendered), post ``first``
    then ``second``, both with the version the page showed; assert the first is saved
    (a redirect) and the second answers the form again with the refusal at its top.
    A form on a page that is not its own (a meeting's visited units) is the page's
    context ``form_name`` and posts to ``post_url``. Returns the version the page showed."""
    page = client.get(url)
    form = page.context[form_name]
    url = post_url or url
    opened, name = form["version"].value(), form.add_prefix("version")
    assert opened is not None
    # The page carries it: what the browser sends back is what the page holds.
    assert f'type="hidden" name="{name}" value="{opened}"' in page.content.decode()
    saved = client.post(url, {**first, name: opened})
    assert saved.status_code == 302, saved.context and saved.context["form"].errors
    refused = client.post(url, {**second, name: opened})
    assert refused.status_code == 200
    errors = refused.context[form_name].non_field_errors()
    assert any(refusal in error for error in errors), errors
    return int(opened)


def two_api_edits(
    api: ApiClient,
    url: str,
    first: dict[str, Any],
    second: dict[str, Any],
    *,
    method: str = "patch",
    read_url: str | None = None,
) -> int:
    """Read ``url``'s version, send ``first`` then ``second`` with it; assert the first
    is saved and the second answers 409 ``stale_version``. A list saved whole (``PUT
    /meetings/{id}/visited-units``) carries the version of the record that owns it:
    ``read_url`` is that record's, read again after the first save. Returns the version
    read."""
    read = api.get(read_url or url).json()["version"]
    send = getattr(api, method)
    saved = send(url, {**first, "version": read})
    assert saved.status_code == 200, saved.content
    answer = saved.json()
    if isinstance(answer, dict) and "version" in answer:
        assert answer["version"] == read + 1
    if read_url is not None:
        assert api.get(read_url).json()["version"] == read + 1
    assert_error_shape(send(url, {**second, "version": read}), 409, "stale_version")
    return int(read)
