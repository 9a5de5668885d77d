// A small interactive viewer for /api/openapi.json: lists the endpoints and lets you call them.
document.addEventListener("DOMContentLoaded", async () => {
  const root = document.getElementById("endpoints");
  const el = (tag, props = {}, children = []) => {
    const node = Object.assign(document.createElement(tag), props);
    children.forEach((c) => node.append(c));
    return node;
  };
  let spec;
  try {
    spec = await (await fetch("/api/openapi.json")).json();
  } catch (e) {
    root.textContent = "Could not load the API description: " + e;
    return;
  }
  root.textContent = "";
  for (const [path, ops] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const params = op.parameters || [];
      const inputs = params.map((p) => {
        const id = `${method}-${path}-${p.name}`.replace(/[^a-z0-9-]/gi, "_");
        return { p, input: el("input", { id, name: p.name, placeholder: p.description || p.name }), id };
      });
      const example = op.requestBody?.content?.["application/json"]?.example;
      const body = op.requestBody ? el("textarea", { value: JSON.stringify(example || {}, null, 2), "aria-label": "Request body" }) : null;
      const out = el("pre", { textContent: "" });
      const run = el("button", { type: "button", textContent: "Send" });
      run.addEventListener("click", async () => {
        let url = path;
        const query = new URLSearchParams();
        for (const { p, input } of inputs) {
          if (p.in === "path") url = url.replace(`{${p.name}}`, encodeURIComponent(input.value));
          else if (input.value) query.set(p.name, input.value);
        }
        if ([...query].length) url += "?" + query;
        const init = { method: method.toUpperCase(), headers: {} };
        if (body) { init.body = body.value; init.headers["Content-Type"] = "application/json"; }
        try {
          const res = await fetch(url, init);
          const text = await res.text();
          let shown = text;
          try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch (_) { /* not JSON */ }
          out.textContent = `${res.status} ${res.statusText}\n\n${shown}`;
        } catch (e) {
          out.textContent = "Request failed: " + e;
        }
      });
      const fields = inputs.map(({ p, input, id }) => el("p", {}, [el("label", { htmlFor: id, textContent: `${p.name} (${p.in}${p.required ? ", required" : ""}) ` }), input]));
      root.append(el("section", { className: "endpoint" }, [
        el("h2", {}, [el("span", { className: "method", textContent: method }), path]),
        el("p", { textContent: op.summary || "" }),
        ...fields,
        ...(body ? [body] : []),
        run,
        out,
      ]));
    }
  }
});
