"""Show the library's docstrings on the API page as they read in the code.

The library writes docstrings for students reading the source: a summary line, then shapes
and arguments aligned in columns (`pos: (B, N, 2) ...`). reStructuredText would reflow or
reject that layout, so the summary becomes a paragraph and the rest a preformatted block.
"""


def as_written(app, what, name, obj, options, lines):
    if not lines:
        return
    summary_end = lines.index("") if "" in lines else len(lines)
    body = lines[summary_end:]
    while body and not body[0].strip():
        body.pop(0)
    # The summary is maths in plain text (`|x|`, `a * b`): keep reStructuredText from reading
    # its bars as substitutions and its stars as emphasis.
    summary = [line.replace("\\", "\\\\").replace("*", "\\*").replace("|", "\\|")
               for line in lines[:summary_end]]
    block = ["", ".. code-block:: text", ""] + ["    " + line for line in body]
    lines[:] = summary + (block if body else [])


def setup(app):
    app.connect("autodoc-process-docstring", as_written)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
