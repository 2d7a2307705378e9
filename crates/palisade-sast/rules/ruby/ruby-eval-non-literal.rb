class Calc
  def run(expr)
    # ruleid: ruby-eval-non-literal
    eval(expr)
    # ok: ruby-eval-non-literal
    Integer(expr, 10)
  end
end
