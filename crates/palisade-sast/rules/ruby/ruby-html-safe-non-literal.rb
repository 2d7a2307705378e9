module CommentsHelper
  def render_body(comment)
    # ruleid: ruby-html-safe-non-literal
    "<p>#{comment.body}</p>".html_safe
  end

  def render_body_safe(comment)
    # ok: ruby-html-safe-non-literal
    content_tag(:p, comment.body)
  end
end
