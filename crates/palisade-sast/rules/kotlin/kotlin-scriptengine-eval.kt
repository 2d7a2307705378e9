import javax.script.ScriptEngineManager

fun calc(expr: String): Any? {
    val engine = ScriptEngineManager().getEngineByName("kotlin")
    // ruleid: kotlin-scriptengine-eval
    val a = engine.eval(expr)
    // ok: kotlin-scriptengine-eval
    val b = engine.eval("1 + 1")
    return a
}
