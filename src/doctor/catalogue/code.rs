//! Backend code: the OpenTelemetry set-up, Flask, Rollbar, watchtower and
//! gunicorn, and code that cannot run at all. X-Ray is in xray.rs.

use super::{Entry, Example, Lang::*};
use crate::doctor::finding::{Category::Code, Severity::*};

pub(super) const ENTRIES: &[Entry] = &[
    Entry {
        id: "tracer-provider-not-set",
        severity: Error,
        category: Code,
        fixable: false,
        network: false,
        summary: "A `TracerProvider` is built but `trace.set_tracer_provider` is never called.",
        why: "Instrumentations take the global provider. Until `trace.set_tracer_provider` is \
              called that is the no-op proxy, so the provider you built, and its exporter, never \
              see a span.",
        fix: "Call `trace.set_tracer_provider(provider)` right after building the provider and \
              adding its span processor.",
        example: Example {
            lang: Python,
            before: "
                provider = TracerProvider()
                provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
            ",
            after: "
                provider = TracerProvider()
                provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
                trace.set_tracer_provider(provider)
            ",
        },
    },
    Entry {
        id: "span-processor-missing",
        severity: Error,
        category: Code,
        fixable: false,
        network: false,
        summary: "The provider gets no span processor.",
        why: "A TracerProvider hands finished spans to its span processors, and only a processor \
              calls the exporter. With none, spans are recorded and dropped.",
        fix: "Add `provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))` before \
              `trace.set_tracer_provider(provider)`.",
        example: Example {
            lang: Python,
            before: "
                provider = TracerProvider()
                trace.set_tracer_provider(provider)
            ",
            after: "
                provider = TracerProvider()
                provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
                trace.set_tracer_provider(provider)
            ",
        },
    },
    Entry {
        id: "otlp-exporter-missing",
        severity: Error,
        category: Code,
        fixable: false,
        network: false,
        summary: "No OTLP exporter (only the console one, or none): nothing leaves the process.",
        why: "Only an OTLP exporter sends spans out of the process. `ConsoleSpanExporter` prints \
              them to the container's stdout; with no exporter they are dropped.",
        fix: "Export over OTLP: \
              `provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))`, with \
              OTLPSpanExporter from `opentelemetry.exporter.otlp.proto.http.trace_exporter` (it \
              reads OTEL_EXPORTER_OTLP_ENDPOINT and OTEL_EXPORTER_OTLP_HEADERS). Where no \
              TracerProvider is set up at all, set one up once at start-up (`provider = \
              TracerProvider()`, that line, `trace.set_tracer_provider(provider)`), or start the \
              app with `opentelemetry-instrument`.",
        example: Example {
            lang: Python,
            before: "
                provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter()))
            ",
            after: "
                from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
                provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
            ",
        },
    },
    Entry {
        id: "flask-not-instrumented",
        severity: Error,
        category: Code,
        fixable: false,
        network: false,
        summary: "Neither `FlaskInstrumentor().instrument_app(app)` nor auto-instrumentation.",
        why: "Without the Flask instrumentation no span is started for a request: the SDK can be \
              configured perfectly and still have nothing to send.",
        fix: "Add `FlaskInstrumentor().instrument_app(app)` right after `app = Flask(__name__)` \
              (from opentelemetry.instrumentation.flask), or start the app with \
              `opentelemetry-instrument`.",
        example: Example {
            lang: Python,
            before: "
                app = Flask(__name__)
            ",
            after: "
                from opentelemetry.instrumentation.flask import FlaskInstrumentor

                app = Flask(__name__)
                FlaskInstrumentor().instrument_app(app)
            ",
        },
    },
    Entry {
        id: "flask-instrumented-before-app",
        severity: Error,
        category: Code,
        fixable: false,
        network: false,
        summary: "The instrumentation line runs before `app = Flask(...)`.",
        why: "`instrument_app(app)` wraps the app object it is given. Called before \
              `app = Flask(...)`, it raises `NameError`, or wraps an earlier object while the \
              real app stays untraced.",
        fix: "Move `FlaskInstrumentor().instrument_app(app)` below `app = Flask(__name__)`.",
        example: Example {
            lang: Python,
            before: "
                FlaskInstrumentor().instrument_app(app)
                app = Flask(__name__)
            ",
            after: "
                app = Flask(__name__)
                FlaskInstrumentor().instrument_app(app)
            ",
        },
    },
    Entry {
        id: "requests-not-instrumented",
        severity: Info,
        category: Code,
        fixable: false,
        network: false,
        summary: "Outgoing HTTP calls are not traced.",
        why: "Calls to other services through `requests` get no span of their own: a slow call \
              shows as an unexplained gap inside the request's span.",
        fix: "Add `RequestsInstrumentor().instrument()` (from opentelemetry.instrumentation.requests) \
              next to the Flask instrumentation.",
        example: Example {
            lang: Python,
            before: "
                FlaskInstrumentor().instrument_app(app)
            ",
            after: "
                FlaskInstrumentor().instrument_app(app)
                RequestsInstrumentor().instrument()
            ",
        },
    },
    Entry {
        id: "console-exporter-enabled",
        severity: Info,
        category: Code,
        fixable: false,
        network: false,
        summary: "Every span is also printed to stdout.",
        why: "A `ConsoleSpanExporter` writes each span as a JSON block to the container log: \
              useful while setting up, noise afterwards that buries real errors.",
        fix: "Drop the ConsoleSpanExporter processor once traces reach Honeycomb: it prints every \
              span into the container log.",
        example: Example {
            lang: Python,
            before: "
                provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
                provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter()))
            ",
            after: "
                provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
            ",
        },
    },
    Entry {
        id: "flask-before-first-request",
        severity: Error,
        category: Code,
        fixable: false,
        network: false,
        summary: "`@app.before_first_request` with Flask not pinned below 2.3: the app crashes at \
                  import.",
        why: "Flask 2.3 removed `before_first_request`: the decorator raises \
              `AttributeError: 'Flask' object has no attribute 'before_first_request'` at import, \
              the app never starts, and what it set up (usually `rollbar.init`) never runs.",
        fix: "Run the hook's code once inside `with app.app_context():` right after `app = \
              Flask(__name__)` instead of in `@app.before_first_request`, or pin `flask<2.3` in \
              {requirements} and rebuild the image.",
        example: Example {
            lang: Python,
            before: "
                @app.before_first_request
                def init_rollbar():
                    rollbar.init(os.getenv('ROLLBAR_ACCESS_TOKEN'), 'production')
            ",
            after: "
                with app.app_context():
                    rollbar.init(os.getenv('ROLLBAR_ACCESS_TOKEN'), 'production')
            ",
        },
    },
    Entry {
        id: "rollbar-not-initialized",
        severity: Error,
        category: Code,
        fixable: false,
        network: false,
        summary: "Rollbar is used but `rollbar.init` is never reached.",
        why: "pyrollbar reports only after `rollbar.init(token, ...)`. Code that reports, or \
              connects `got_request_exception`, without it logs `Rollbar is not initialized` and \
              sends nothing.",
        fix: "Call `rollbar.init(os.getenv('ROLLBAR_ACCESS_TOKEN'), 'production', \
              root=os.path.dirname(os.path.realpath(__file__)), allow_logging_basic_config=False)` \
              once inside `with app.app_context():` right after `app = Flask(__name__)`, before \
              anything reports, and connect `got_request_exception` there; a call inside \
              `@app.before_first_request` never runs on Flask 2.3 and later.",
        example: Example {
            lang: Python,
            before: "
                got_request_exception.connect(rollbar.contrib.flask.report_exception, app)
            ",
            after: "
                with app.app_context():
                    rollbar.init(os.getenv('ROLLBAR_ACCESS_TOKEN'), 'production')
                    got_request_exception.connect(rollbar.contrib.flask.report_exception, app)
            ",
        },
    },
    Entry {
        id: "watchtower-deprecated-arg",
        severity: Warning,
        category: Code,
        fixable: false,
        network: false,
        summary: "`log_group=` instead of `log_group_name=`.",
        why: "watchtower 2.0 renamed the argument to `log_group_name`; `log_group` is deprecated, \
              and a release that drops it turns the call into a `TypeError` at start-up.",
        fix: "Rename the argument: `CloudWatchLogHandler(log_group_name=\"cruddur\")`.",
        example: Example {
            lang: Python,
            before: "
                cw_handler = watchtower.CloudWatchLogHandler(log_group='cruddur')
            ",
            after: "
                cw_handler = watchtower.CloudWatchLogHandler(log_group_name='cruddur')
            ",
        },
    },
    Entry {
        id: "watchtower-handler-at-import",
        severity: Warning,
        category: Code,
        fixable: false,
        network: false,
        summary: "`CloudWatchLogHandler` is created at import time.",
        why: "watchtower creates its boto3 client and calls CloudWatch Logs (to create the log \
              group) when the handler is constructed. At module level that happens at import, so \
              a missing region or credentials (`NoRegionError`, `NoCredentialsError`) crashes the \
              app before it serves anything.",
        fix: "Create the handler inside a start-up function that catches the error and logs it, \
              or only when the AWS variables are set, so a missing credential costs the logs, not \
              the app.",
        example: Example {
            lang: Python,
            before: "
                cw_handler = watchtower.CloudWatchLogHandler(log_group_name='cruddur')
                LOGGER.addHandler(cw_handler)
            ",
            after: "
                def add_cloudwatch(logger):
                    try:
                        logger.addHandler(watchtower.CloudWatchLogHandler(log_group_name='cruddur'))
                    except Exception as e:  # botocore's NoRegionError, NoCredentialsError
                        logger.warning('CloudWatch logging disabled: %s', e)
            ",
        },
    },
    Entry {
        id: "gunicorn-fork-unsafe",
        severity: Warning,
        category: Code,
        fixable: false,
        network: false,
        summary: "gunicorn with `--preload` and tracing set up at import time.",
        why: "With `--preload` gunicorn imports the app once, then forks the workers. The \
              BatchSpanProcessor's export thread and the exporter's connections do not survive a \
              fork, so the workers queue spans that are never sent (OpenTelemetry's \"Working with \
              fork process models\").",
        fix: "Set the TracerProvider up in a gunicorn `post_fork(server, worker)` hook \
              (gunicorn.conf.py) instead of at import, or drop `--preload` (OpenTelemetry's \
              \"Working with fork process models\").",
        example: Example {
            lang: Python,
            before: "
                # app.py, started with gunicorn --preload
                trace.set_tracer_provider(provider)
            ",
            after: "
                # gunicorn.conf.py
                def post_fork(server, worker):
                    provider = TracerProvider()
                    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
                    trace.set_tracer_provider(provider)
            ",
        },
    },
    Entry {
        id: "python-syntax-error",
        severity: Error,
        category: Code,
        fixable: false,
        network: false,
        summary: "A backend module does not parse: the backend will not start.",
        why: "Python stops at the first syntax error: the module cannot be imported, so the \
              backend exits at start with a `SyntaxError`. doctor cannot read the module either, \
              and concludes nothing from it: no check calls something \"missing\" from code it \
              could not read.",
        fix: "Correct the code at the line and column shown; `python3 -m py_compile` on the file \
              shows the same error.",
        example: Example {
            lang: Python,
            before: "
                provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter())
                trace.set_tracer_provider(provider)
            ",
            after: "
                provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
                trace.set_tracer_provider(provider)
            ",
        },
    },
    Entry {
        id: "python-name-undefined",
        severity: Error,
        category: Code,
        fixable: false,
        network: false,
        summary: "A name is used that is never defined or imported.",
        why: "Python raises `NameError` when the line runs: at import for module-level code, so \
              the app does not start; inside a request handler, that request fails with 500.",
        fix: "Import or define the name before its first use, or correct its spelling: {value|an \
              import such as `from aws_xray_sdk.ext.flask.middleware import XRayMiddleware` brings \
              in a library's name}; a name imported from one of the project's modules must be \
              defined in that module.",
        example: Example {
            lang: Python,
            before: "
                from aws_xray_sdk.core import xray_recorder
                XRayMiddleware(app, xray_recorder)
            ",
            after: "
                from aws_xray_sdk.core import xray_recorder
                from aws_xray_sdk.ext.flask.middleware import XRayMiddleware
                XRayMiddleware(app, xray_recorder)
            ",
        },
    },
    Entry {
        id: "library-name-missing",
        severity: Error,
        category: Code,
        fixable: false,
        network: false,
        summary: "The code imports or calls a name the library does not have, in the versions the \
                  requirements select.",
        why: "`from opentelemetry.sdk.trace.export import ConsoleSpanProcessor` raises \
              `ImportError` (there is no such class: it is `SimpleSpanProcessor` with \
              `ConsoleSpanExporter`); `rollbar.configure(...)` raises `AttributeError` (it is \
              `rollbar.init`). Either crashes the app at import.",
        fix: "Use {value|the name the library has in the release you install (the finding suggests \
              the closest one when there is one)} instead, or pin {package|the library} to a \
              release that has the name when one does (the evidence says which); otherwise remove \
              it or use what replaced it.",
        example: Example {
            lang: Python,
            before: "
                from opentelemetry.sdk.trace.export import ConsoleSpanProcessor
                provider.add_span_processor(ConsoleSpanProcessor())
            ",
            after: "
                from opentelemetry.sdk.trace.export import ConsoleSpanExporter, SimpleSpanProcessor
                provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter()))
            ",
        },
    },
];
