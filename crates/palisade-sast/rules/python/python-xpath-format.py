def find_user(tree, name):
    # ruleid: python-xpath-format
    return tree.xpath("//user[@name='%s']" % name)

def find_user2(tree, name):
    # ruleid: python-xpath-format
    return tree.findall(f".//user[@name='{name}']")

def find_user_safe(tree, name):
    # ok: python-xpath-format
    return tree.xpath("//user[@name=$name]", name=name)
