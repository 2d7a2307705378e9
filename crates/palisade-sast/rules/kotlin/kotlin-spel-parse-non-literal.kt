import org.springframework.expression.spel.standard.SpelExpressionParser

fun evaluate(userExpr: String, root: Any): Any? {
    val parser = SpelExpressionParser()
    // ruleid: kotlin-spel-parse-non-literal
    val a = parser.parseExpression(userExpr).getValue(root)
    // ok: kotlin-spel-parse-non-literal
    val b = parser.parseExpression("price * quantity").getValue(root)
    return a
}
