import javax.xml.xpath.XPath
import javax.xml.xpath.XPathConstants
import org.w3c.dom.Document

fun find(xp: XPath, doc: Document, name: String): Any? {
    // ruleid: kotlin-xpath-template
    val a = xp.evaluate("//user[@name='${name}']", doc, XPathConstants.NODE)
    // ok: kotlin-xpath-template
    val b = xp.evaluate("//user[@active='true']", doc, XPathConstants.NODESET)
    return a ?: b
}

fun price(xp: XPath, doc: Document, sku: String): String {
    // ruleid: kotlin-xpath-template
    val expr = xp.compile("/catalog/item[@sku='" + sku + "']/price")
    return expr.evaluate(doc)
}
