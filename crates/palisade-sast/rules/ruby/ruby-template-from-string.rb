class PagesController < ApplicationController
  def preview
    # ruleid: ruby-template-from-string
    render inline: "<h1>#{params[:title]}</h1>"
  end

  def preview_safe
    # ok: ruby-template-from-string
    render inline: "<h1><%= title %></h1>", locals: { title: params[:title] }
  end
end
