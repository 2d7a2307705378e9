import javax.script.*;

class Calc {
    Object calc(String expr) throws ScriptException {
        ScriptEngine engine = new ScriptEngineManager().getEngineByName("js");
        // ruleid: java-scriptengine-eval
        Object a = engine.eval(expr);
        // ok: java-scriptengine-eval
        Object b = engine.eval("1 + 1");
        return a;
    }
}
