use super::*;

fn parse(src: &str) -> Module {
    Module::parse(src).unwrap_or_else(|e| panic!("test source parses: {e}\n{src}"))
}

/// `name@line` for every undefined use, in source order.
fn undefined(src: &str) -> Vec<String> {
    undefined_names(&parse(src))
        .into_iter()
        .map(|u| format!("{}@{}", u.name, u.line))
        .collect()
}

fn clean(src: &str) {
    assert_eq!(undefined(src), Vec::<String>::new(), "{src}");
}

#[test]
fn an_exporter_used_but_never_imported() {
    let src = "\
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

provider = TracerProvider()
processor = BatchSpanProcessor(OTLPSpanExporter())
";
    let got = undefined_names(&parse(src));
    assert_eq!(
        got,
        vec![Undefined {
            name: "OTLPSpanExporter".into(),
            line: 5,
            column: 32,
            in_function: None
        }]
    );
}

#[test]
fn imports_bind_what_python_binds() {
    clean("import os.path\nos.getcwd()\n");
    assert_eq!(undefined("import a.b\na.b.c()\nb.c()\n"), ["b@3"]);
    assert_eq!(undefined("import a.b as c\nc.d()\na.b\n"), ["a@3"]);
    assert_eq!(undefined("from x import y as z\nz()\ny()\n"), ["y@3"]);
    clean("from . import views\nfrom ..pkg.mod import (A,\n  B as C)\nviews, A, C\n");
    clean("from __future__ import annotations\nannotations\n");
}

#[test]
fn builtins_and_module_attributes() {
    clean("print(len([]), __name__, __file__, __doc__, Exception, ExceptionGroup)\n");
    clean("def f():\n    return super().__init__(), __class__, NotImplemented\n");
    assert_eq!(undefined("unicode('x')\n"), ["unicode@1"]);
}

#[test]
fn every_kind_of_parameter_binds() {
    clean("def f(a, /, b, *args, c, d=1, e: int = 2, **kw):\n    return a, b, args, c, d, e, kw\n");
    clean("def f(*, key):\n    return key\n");
    clean("def f(*args: int, **kwargs: str):\n    return args, kwargs\n");
    assert_eq!(undefined("def f(a):\n    return b\n"), ["b@2"]);
}

#[test]
fn defaults_run_in_the_enclosing_scope() {
    assert_eq!(undefined("def f(x=y):\n    return x\n"), ["y@1"]);
    // A parameter is not visible to the defaults of the same function.
    assert_eq!(undefined("def f(a, b=a):\n    return b\n"), ["a@1"]);
    clean("LIMIT = 3\ndef f(n=LIMIT):\n    return n\n");
    // A default in a class body sees the class's names.
    clean("class A:\n    size = 3\n    def f(self, n=size):\n        return n\n");
}

#[test]
fn lambdas_bind_parameters_and_take_defaults_from_outside() {
    assert_eq!(undefined("f = lambda a, b=c: a + b + d\n"), ["c@1", "d@1"]);
    clean("k = 1\nf = lambda *a, k2=k, **kw: (a, k2, kw)\n");
    clean("key = lambda item: item[1]\n");
}

#[test]
fn comprehension_variables_do_not_leak() {
    assert_eq!(undefined("xs = [i for i in range(3)]\nprint(i)\n"), ["i@2"]);
    clean("def f(m):\n    return [x for row in m for x in row if x]\n");
    clean("d = {k: v for k, v in {}.items()}\ns = {a for a in ()}\ng = sum(b for b in ())\n");
    assert_eq!(undefined("g = (x for x in y)\n"), ["y@1"]);
}

#[test]
fn walrus_binds_outside_the_comprehension() {
    clean("data = [1]\nvals = [y := x * 2 for x in data]\nprint(y)\n");
    clean("import sys\nif (n := len(sys.argv)) > 1:\n    print(n)\n");
    clean("def f(items):\n    if any((hit := i) for i in items):\n        return hit\n");
}

#[test]
fn class_attributes_are_not_visible_in_methods() {
    let got = undefined_names(&parse(
        "class Config:\n    level = 'INFO'\n    def show(self):\n        return level\n",
    ));
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].name, "level");
    assert_eq!(got[0].in_function.as_deref(), Some("show"));
    clean("class A:\n    x = 1\n    y = x + 1\n    def f(self):\n        return self.x, A.y\n");
}

#[test]
fn comprehensions_in_a_class_body_see_only_the_first_iterable() {
    clean("class A:\n    xs = [1]\n    ys = [x for x in xs]\n");
    assert_eq!(
        undefined("class A:\n    xs = [1]\n    k = 2\n    ys = [x * k for x in xs]\n"),
        ["k@4"]
    );
}

#[test]
fn functions_see_module_names_bound_later() {
    clean("def handler():\n    return tracer.start_span('x')\n\ntracer = object()\n");
    clean("class A:\n    def make(self):\n        return B()\n\nclass B:\n    pass\n");
    clean("def fact(n):\n    return 1 if n < 2 else n * fact(n - 1)\n");
}

#[test]
fn module_code_cannot_use_a_name_bound_later() {
    assert_eq!(undefined("print(x)\nx = 1\n"), ["x@1"]);
    assert_eq!(undefined("x = x + 1\n"), ["x@1"]);
    assert_eq!(undefined("counter += 1\n"), ["counter@1"]);
    assert_eq!(
        undefined("app.run()\nfrom flask import Flask\napp = Flask(__name__)\n"),
        ["app@1"]
    );
    // A class body runs at import time, in order, too.
    assert_eq!(
        undefined("class A:\n    b = B\nclass B:\n    pass\n"),
        ["B@2"]
    );
    // Inside a block that may repeat or be skipped, order is not judged.
    clean("for i in range(2):\n    if i:\n        print(late)\n    late = i\n");
    clean("if True:\n    print(y)\ny = 2\n");
    clean("x = 1\nprint(x)\n");
}

#[test]
fn decorators_run_before_the_name_is_bound() {
    assert_eq!(
        undefined("@app.route('/')\ndef home():\n    return 'ok'\n"),
        ["app@1"]
    );
    clean("from flask import Flask\napp = Flask(__name__)\n@app.route('/')\ndef home():\n    return 'ok'\n");
    assert_eq!(
        undefined("@cache\ndef cache(f):\n    return f\n"),
        ["cache@1"]
    );
}

#[test]
fn global_and_nonlocal() {
    clean("def init():\n    global client\n    client = 1\n\ndef use():\n    return client\n\ninit()\nclient\n");
    assert_eq!(
        undefined("def f():\n    global zz\n    return zz\n"),
        ["zz@3"]
    );
    clean("def outer():\n    count = 0\n    def inc():\n        nonlocal count\n        count += 1\n    return inc\n");
    // `global` makes the module's binding the one a function sees.
    clean("def f():\n    global g\n    g = 1\n    def h():\n        return g\n    return h\n");
}

#[test]
fn nested_functions_close_over_outer_names() {
    clean("def outer(a):\n    b = a\n    def inner():\n        def innermost():\n            return a + b\n        return innermost\n    return inner\n");
    let got = undefined_names(&parse(
        "def outer():\n    def inner():\n        return missing\n    return inner\n",
    ));
    assert_eq!(got[0].in_function.as_deref(), Some("inner"));
}

#[test]
fn for_with_except_targets_bind() {
    clean("for k, (a, *rest) in []:\n    print(k, a, rest)\nelse:\n    pass\n");
    clean("with open('f') as f, open('g') as (a, b):\n    f.read(), a, b\n");
    clean(
        "try:\n    pass\nexcept (ValueError, KeyError) as e:\n    print(e)\nfinally:\n    pass\n",
    );
    clean(
        "async def f(s):\n    async with s as c:\n        async for r in c:\n            await r\n",
    );
    assert_eq!(undefined("with lock:\n    pass\n"), ["lock@1"]);
}

#[test]
fn try_import_fallbacks_are_fine() {
    clean("try:\n    import ujson as json\nexcept ImportError:\n    json = None\n\njson\n");
    clean("try:\n    from yaml import CSafeLoader as Loader\nexcept ImportError:\n    from yaml import SafeLoader as Loader\nLoader\n");
    clean("import os\nif os.environ.get('X'):\n    import rollbar\nelse:\n    rollbar = None\nrollbar\n");
}

#[test]
fn uses_guarded_by_name_error_are_not_reported() {
    clean("try:\n    unicode\nexcept NameError:\n    unicode = str\n");
    clean("try:\n    maybe_defined()\nexcept NameError:\n    pass\n");
    clean("try:\n    maybe_defined()\nexcept:\n    pass\n");
    assert_eq!(
        undefined("try:\n    maybe_defined()\nexcept ValueError:\n    pass\n"),
        ["maybe_defined@2"]
    );
}

#[test]
fn del_is_ignored() {
    clean("x = 1\ndel x\n");
    assert_eq!(undefined("del nothing\n"), ["nothing@1"]);
}

#[test]
fn match_patterns_capture_names() {
    let src = "\
import enum
class Color(enum.Enum):
    RED = 1
def f(cmd):
    match cmd:
        case [\"go\", direction, *others]:
            return direction, others
        case {\"k\": value, **rest}:
            return value, rest
        case Point(x=px, y=0) as whole if px > 0:
            return px, whole
        case Color.RED | None:
            return cmd
        case (a, b) | [a, b]:
            return a, b
        case _:
            return unknown_here
";
    assert_eq!(undefined(src), ["Point@10", "unknown_here@17"]);
}

#[test]
fn star_imports_and_namespace_tricks_make_names_unknown() {
    clean("from services import *\nHomeActivities.run()\n");
    clean("globals()['X'] = 1\nX\n");
    clean("exec('y = 1')\nprint(y)\n");
    clean("def f():\n    return locals()\nzz\n");
}

#[test]
fn type_checking_and_string_annotations_are_not_checked() {
    clean("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from x import Y\n    Z\ndef f(a: 'Y') -> 'W':\n    return a\n");
    clean("import typing\nif typing.TYPE_CHECKING:\n    Undefined\n");
    assert_eq!(
        undefined("def f(a: Missing) -> Other:\n    return a\n"),
        ["Missing@1", "Other@1"]
    );
    clean("from __future__ import annotations\ndef f(a: Missing) -> Other:\n    return a\nv: Later = 1\n");
}

#[test]
fn docstrings_comments_and_strings_never_count() {
    clean("\"\"\"Call OTLPSpanExporter() here.\"\"\"\n# ConsoleSpanExporter()\nx = 'rollbar.init(token)'\n");
    assert_eq!(
        undefined("name = 'x'\nprint(f'{name} {missing!r:>{width}}')\n"),
        ["missing@2", "width@2"]
    );
}

#[test]
fn keyword_and_attribute_names_are_not_uses() {
    clean("import os\nos.path.nothing_here(sep=1, end=2)\n");
    assert_eq!(undefined("dict(a=b)\n"), ["b@1"]);
}

#[test]
fn class_bases_and_keywords_are_checked() {
    assert_eq!(
        undefined("class A(Base, metaclass=Meta):\n    pass\n"),
        ["Base@1", "Meta@1"]
    );
    clean(
        "class A:\n    def f(self):\n        return A(), __module__\n"
            .replace("__module__", "self")
            .as_str(),
    );
    clean("class A:\n    name = __qualname__\n    mod = __module__\n");
}

#[test]
fn type_parameters_and_aliases() {
    clean("def first[T](xs: list[T]) -> T:\n    return xs[0]\n");
    clean("class Box[T]:\n    def get(self) -> T:\n        return self.v\n");
    clean("type Vector = list[float]\nv: Vector = []\n");
}

#[test]
fn columns_count_characters() {
    let got = undefined_names(&parse("s = 'é'; missing\n"));
    assert_eq!((got[0].line, got[0].column), (1, 10));
}

#[test]
fn flask_app_with_routes_is_clean() {
    clean(
        "\
import os
from flask import Flask, request
from flask_cors import CORS, cross_origin
from services.home_activities import *

app = Flask(__name__)
frontend = os.getenv('FRONTEND_URL')
cors = CORS(app, resources={r'/api/*': {'origins': [frontend]}})

@app.route('/api/activities/home', methods=['GET'])
def data_home():
    data = HomeActivities.run()
    return data, 200

if __name__ == '__main__':
    app.run(debug=True)
",
    );
}

#[test]
fn a_name_imported_inside_a_function_is_local_to_it() {
    clean("def f():\n    import json\n    return json.dumps({})\n");
    assert_eq!(
        undefined("def f():\n    import json\n\ndef g():\n    return json.dumps({})\n"),
        ["json@5"]
    );
}

#[test]
fn very_deep_syntax_is_left_unjudged() {
    let src = format!("x = {}\nmissing\n", vec!["1"; 2000].join(" + "));
    assert!(undefined(&src).is_empty());
    assert!(module_bindings(&parse(&src)).clone().dynamic);
}

#[test]
fn module_bindings_lists_top_level_names() {
    let m = module_bindings(&parse(
        "\
import os.path
from x import y as z
__all__ = ['run', \"helper\"]
def run():
    global made_later
    made_later = 1
    local = 2
class Home:
    attr = 1
for i in range(3):
    pass
",
    ))
    .clone();
    let names: Vec<&str> = m.names.iter().map(String::as_str).collect();
    assert_eq!(
        names,
        ["Home", "__all__", "i", "made_later", "os", "run", "z"]
    );
    assert_eq!(m.all, Some(vec!["run".to_string(), "helper".to_string()]));
    assert!(!m.star_import && !m.getattr && !m.dynamic);
    assert!(m.may_define("run") && !m.may_define("local") && !m.may_define("attr"));

    let m = module_bindings(&parse("from a import *\n")).clone();
    assert!(m.star_import && m.may_define("anything"));
    let m = module_bindings(&parse(
        "def __getattr__(name):\n    raise AttributeError(name)\n",
    ))
    .clone();
    assert!(m.getattr && m.may_define("anything"));
}

#[test]
fn classes_inside_functions_see_the_function_locals() {
    clean("def f():\n    x = 1\n    class A:\n        y = x\n        def m(self):\n            return x\n    return A\n");
}

#[test]
fn an_except_name_used_after_its_block_is_not_judged() {
    // Python 3 unbinds `e` after the block; the analysis ignores that.
    clean("try:\n    pass\nexcept Exception as e:\n    pass\nprint(e)\n");
}

#[test]
fn conditional_definitions_bind() {
    clean("import sys\nif sys.platform == 'win32':\n    def opener():\n        return 1\nelse:\n    def opener():\n        return 2\nopener()\n");
    clean("while True:\n    found = 1\n    break\nprint(found)\n");
}

#[test]
fn class_decorators_and_async_code() {
    assert_eq!(
        undefined("@dataclass\nclass Point:\n    x: int = 0\n"),
        ["dataclass@1"]
    );
    clean("import asyncio\nasync def main():\n    await asyncio.sleep(0)\n    return [x async for x in agen()]\nasync def agen():\n    yield 1\n");
}

#[test]
fn all_lists_and_strings_are_not_uses() {
    clean("__all__ = ['NotDefinedHere']\n");
    clean("x = {'key': 'value'}\nprint(x['key'])\n");
}

#[test]
fn an_undefined_name_is_reported_at_every_use() {
    let got = undefined_names(&parse(
        "def f():\n    a = missing\n    return missing + 1\n",
    ));
    let at: Vec<_> = got.iter().map(|u| (u.line, u.column)).collect();
    assert_eq!(at, [(2, 9), (3, 12)]);
    assert!(got.iter().all(|u| u.in_function.as_deref() == Some("f")));
}

#[test]
fn a_star_import_of_a_known_module_still_lets_missing_names_show() {
    let home = module_bindings(&parse(
        "import os\nclass HomeActivities:\n    pass\n_private = 1\n",
    ))
    .clone();
    let app = parse(
        "from services.home import *\nHomeActivities()\nOTLPSpanExporter()\n_private\nos.getenv('X')\n",
    );
    let star = |m: &str| (m == "services.home").then(|| home.clone());
    let got: Vec<_> = undefined_names_resolving(&app, &star)
        .into_iter()
        .map(|u| u.name)
        .collect();
    // Without __all__, `*` brings every public name, imported modules too
    // (`os`), but not `_private`.
    assert_eq!(got, ["OTLPSpanExporter", "_private"]);
    // An unknown star module, or one that re-exports a star, judges nothing.
    assert!(undefined_names_resolving(&app, &|_| None).is_empty());
    let chained = module_bindings(&parse("from elsewhere import *\n")).clone();
    assert!(undefined_names_resolving(&app, &|_| Some(chained.clone())).is_empty());
    // __all__ decides what `*` exports.
    let with_all = module_bindings(&parse(
        "__all__ = ['_private']\n_private = 1\nHomeActivities = 2\n",
    ))
    .clone();
    let got: Vec<_> = undefined_names_resolving(&app, &|_| Some(with_all.clone()))
        .into_iter()
        .map(|u| u.name)
        .collect();
    assert_eq!(got, ["HomeActivities", "OTLPSpanExporter", "os"]);
}
