class SearchController < ApplicationController
  def index
    # ruleid: ruby-regexp-from-params
    rx = Regexp.new(params[:q])
    # ok: ruby-regexp-from-params
    rx2 = Regexp.new(Regexp.escape(params[:q]))
  end
end
