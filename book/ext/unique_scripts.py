"""Include each script once per page.

Some of jupyter-book's default extensions register their inline configuration scripts twice
(`const THEBE_JS_URL = ...` among them), and a second `const` declaration is a JavaScript
error in the reader's browser. Dropping exact repeats changes nothing else.
"""


def drop_repeated_scripts(app, pagename, templatename, context, doctree):
    seen, unique = set(), []
    for script in context.get("script_files", []):
        # Inline scripts come as filename None or "" depending on who added them.
        key = (getattr(script, "filename", str(script)) or "",
               repr(sorted(getattr(script, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def setup(app):
    app.connect("html-page-context", drop_repeated_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
