//! Ids this project added for failures only the application's log shows
//! (`doctor --logs`). They concern the backend code, where their fix is.

use super::{Entry, Example, Lang::*};
use crate::doctor::finding::{Category::Code, Severity::*};

pub(super) const ENTRIES: &[Entry] = &[
    Entry {
        id: "tracer-provider-overridden",
        severity: Warning,
        category: Code,
        fixable: false,
        network: false,
        summary: "(logs) `Overriding of current TracerProvider is not allowed`: a second \
                  `set_tracer_provider` was ignored.",
        why: "The global provider can be set once. Usually `opentelemetry-instrument` sets it and \
              app.py builds another: the second call is ignored with this warning, so the exporter \
              added in code hangs off a provider nothing uses.",
        fix: "Set tracing up once: either start with `opentelemetry-instrument` (configured by the \
              OTEL_* variables) or build the TracerProvider, BatchSpanProcessor and \
              OTLPSpanExporter in app.py, not both.",
        example: Example {
            lang: Dockerfile,
            before: "
                # app.py also calls trace.set_tracer_provider(...)
                CMD [\"opentelemetry-instrument\", \"flask\", \"run\", \"--host=0.0.0.0\", \"--port=4567\"]
            ",
            after: "
                # app.py sets the provider up; no second one
                CMD [\"python3\", \"-m\", \"flask\", \"run\", \"--host=0.0.0.0\", \"--port=4567\"]
            ",
        },
    },
    Entry {
        id: "xray-context-missing",
        severity: Warning,
        category: Code,
        fixable: false,
        network: false,
        summary: "(logs) X-Ray code ran outside a request segment (`cannot find the current \
                  segment`).",
        why: "A subsegment needs an open segment, which XRayMiddleware opens for each request. Code \
              that runs at import time, in a background thread, or after the request has ended \
              finds none: the subsegment is dropped, and with the default \
              `AWS_XRAY_CONTEXT_MISSING=RUNTIME_ERROR` the call raises.",
        fix: "Open subsegments only while XRayMiddleware handles a request (in the view, not at \
              import or in another thread), or begin a segment of your own with \
              `xray_recorder.begin_segment(…)` for work outside requests; \
              `AWS_XRAY_CONTEXT_MISSING: \"LOG_ERROR\"` on the backend makes it log instead of \
              raising meanwhile.",
        example: Example {
            lang: Python,
            before: "
                # module level: no request, no segment
                subsegment = xray_recorder.begin_subsegment('load_config')
            ",
            after: "
                @app.route('/api/activities/home')
                def data_home():
                    with xray_recorder.in_subsegment('activities_home'):
                        return HomeActivities.run()
            ",
        },
    },
];
