/// The console's stylesheet and its one script, served from the host (nothing is fetched from elsewhere).
enum ConsoleAssets {
    static let css = """
        :root { --ink:#1f2933; --muted:#6b7785; --line:#d9dee5; --bg:#f7f8fa; --accent:#2563eb; --ok:#2f855a;
          --error:#c05621; --fault:#c53030; --throttle:#b7791f; }
        * { box-sizing: border-box; }
        body { margin:0; font:14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color:var(--ink); background:var(--bg); }
        header { display:flex; flex-wrap:wrap; align-items:center; gap:16px; padding:10px 20px; background:#111827; color:#fff; }
        header a { color:#cbd5e1; text-decoration:none; }
        header a.current, header a:hover { color:#fff; }
        header nav { display:flex; gap:14px; }
        .brand { font-weight:700; color:#fff !important; }
        .search { margin-left:auto; display:flex; gap:6px; }
        .search input { width:300px; }
        main { padding:16px 20px 40px; }
        h1 { font-size:20px; margin:4px 0 12px; }
        h2 { font-size:16px; margin:22px 0 8px; }
        input, select, textarea, button { font:inherit; padding:4px 8px; border:1px solid var(--line); border-radius:4px; }
        textarea { font-family: ui-monospace, monospace; font-size:12px; width:100%; max-width:1000px; }
        button, a.button { background:var(--accent); color:#fff; border:0; cursor:pointer; border-radius:4px;
          padding:4px 10px; text-decoration:none; display:inline-block; }
        button.danger { background:var(--fault); }
        table { border-collapse:collapse; background:#fff; width:100%; margin:6px 0; }
        th, td { border-bottom:1px solid var(--line); padding:5px 8px; text-align:left; vertical-align:top; }
        th { background:#eef1f5; font-weight:600; font-size:12px; color:var(--muted); }
        td form, form.inline { display:inline; } td button { white-space:nowrap; }
        tr.off td { color:var(--muted); } tr.off code { text-decoration:line-through; }
        pre { background:#0f172a; color:#e2e8f0; padding:8px; border-radius:4px; overflow:auto; max-height:420px; font-size:12px; }
        pre.log { max-height:600px; white-space:pre-wrap; }
        .hint, .summary { color:var(--muted); }
        .notice { background:#ecfdf5; border:1px solid #a7f3d0; padding:6px 10px; border-radius:4px; }
        .status { font-size:11px; padding:1px 6px; border-radius:8px; color:#fff; background:var(--ok); }
        .status.error { background:var(--error); } .status.fault { background:var(--fault); } .status.throttle { background:var(--throttle); }
        .error { color:var(--fault); font-size:12px; }
        .retry { color:var(--throttle); font-weight:600; }
        .ids { font-family: ui-monospace, monospace; font-size:11px; word-break:break-all; }
        .filters { display:flex; gap:8px; align-items:center; margin-bottom:8px; }
        .scroll { overflow:auto; background:#fff; border:1px solid var(--line); border-radius:6px; }
        tr.fresh { animation: fresh 1.5s ease-out; }
        @keyframes fresh { from { background:#fef9c3; } to { background:transparent; } }
        svg text { font-size:12px; fill:var(--ink); }
        svg .heading { font-weight:600; fill:var(--muted); }
        svg .node rect { fill:#fff; stroke:#94a3b8; }
        svg .node.route rect { fill:#eff6ff; } svg .node.function rect { fill:#fff7ed; }
        svg .node.table rect { fill:#f0fdf4; } svg .node.pipe rect, svg .node.bus rect, svg .node.rule rect { fill:#faf5ff; }
        svg .node.queue rect { fill:#f0f9ff; } svg .node.dlq rect { fill:#fef2f2; }
        svg .node.failing rect { stroke:var(--fault); stroke-width:2; }
        svg .node.active rect { stroke:var(--accent); stroke-width:2; }
        svg .node .count { fill:var(--muted); font-size:11px; }
        svg .node .count.bad { fill:var(--fault); }
        svg .edge { fill:none; stroke:#8a94a6; stroke-width:1.2; }
        svg .edge.secondary { stroke-dasharray:4 3; opacity:.6; }
        svg.sequence .participant rect { fill:#fff7ed; stroke:#94a3b8; }
        svg.sequence .lifeline { stroke:#cbd5e1; stroke-dasharray:3 3; }
        svg.sequence .hop line, svg.sequence .hop path { stroke:var(--ok); stroke-width:1.5; }
        svg.sequence .hop.error line, svg.sequence .hop.error path { stroke:var(--error); }
        svg.sequence .hop.fault line, svg.sequence .hop.fault path { stroke:var(--fault); }
        svg.sequence .hop.throttle line { stroke:var(--throttle); }
        svg.sequence .hop.retry line { stroke-dasharray:5 3; }
        svg.sequence .hop text { font-size:11px; }
        svg.sequence .hop.error text, svg.sequence .hop.fault text { fill:var(--fault); }
        svg.sequence .offset { fill:var(--muted); font-size:10px; }
        svg.sequence a:hover text { text-decoration:underline; }
        """

    static let javascript = """
        "use strict";
        const console_ = {
          escape(text) { const d = document.createElement("div"); d.textContent = text == null ? "" : String(text); return d.innerHTML; },
          map() {
            const refresh = async () => {
              try {
                const response = await fetch("/_host/console/map.json", { cache: "no-store" });
                const data = await response.json();
                for (const node of document.querySelectorAll("svg.map .node")) {
                  const count = data.counts[node.dataset.count] || { calls: 0, errors: 0 };
                  let text = count.calls ? count.calls + (count.calls === 1 ? " call" : " calls") : "";
                  if (count.errors) text += " · " + count.errors + (count.errors === 1 ? " error" : " errors");
                  const queue = data.queues[node.dataset.name];
                  if (queue && (node.classList.contains("queue") || node.classList.contains("dlq"))) {
                    text = queue.visible + " visible · " + queue.inFlight + " in flight" + (count.calls ? " · " + count.calls + " in" : "");
                  }
                  const label = node.querySelector(".count");
                  const before = label.textContent;
                  label.textContent = text;
                  label.classList.toggle("bad", !!count.errors || (node.classList.contains("dlq") && queue && queue.visible > 0));
                  node.classList.toggle("failing", !!count.errors || (node.classList.contains("dlq") && queue && queue.visible > 0));
                  if (before !== text && before !== "") { node.classList.add("active"); setTimeout(() => node.classList.remove("active"), 600); }
                }
              } catch (e) { /* the host may be restarting */ }
            };
            refresh();
            setInterval(() => { if (!document.hidden) refresh(); }, 1000);
          },
          timeline(filter) {
            const body = document.querySelector("#timeline tbody");
            const live = document.getElementById("live");
            const source = new EventSource("/_host/console/events");
            source.addEventListener("hop", (message) => {
              if (live && !live.checked) return;
              const hop = JSON.parse(message.data);
              if (filter.resource && hop.resource !== filter.resource) return;
              if (filter.service && hop.service !== filter.service) return;
              if (filter.status && hop.status !== filter.status) return;
              const row = document.createElement("tr");
              row.className = hop.status + " fresh";
              row.dataset.resource = hop.resource;
              const trace = hop.traceId ? `<a href="/_host/console/traces/${encodeURIComponent(hop.traceId)}#hop-${hop.sequence}">${console_.escape(hop.traceId.slice(-8))}</a>` : "";
              row.innerHTML = `<td>${console_.escape(hop.time)}</td><td>${console_.escape(hop.source)} → ${console_.escape(hop.resource)}</td>` +
                `<td>${console_.escape(hop.service)} ${console_.escape(hop.operation)}</td><td>${console_.escape(hop.duration)}</td>` +
                `<td><span class="status ${console_.escape(hop.status)}">${console_.escape(hop.status)}</span> ${console_.escape(hop.error)}</td><td>${trace}</td>`;
              body.insertBefore(row, body.firstChild);
              while (body.children.length > 500) body.removeChild(body.lastChild);
            });
          },
          refreshEvery(milliseconds) {
            // Reloads the page while nobody is typing or reading an opened detail.
            setInterval(() => {
              if (document.hidden) return;
              if (document.activeElement && ["TEXTAREA", "INPUT"].includes(document.activeElement.tagName)) return;
              if (document.querySelector("details[open]")) return;
              location.replace(location.pathname);
            }, milliseconds);
          },
        };
        window.console_ = console_;
        window.consoleUI = console_;
        """
}
