class PrefsController < ApplicationController
  def update
    # ruleid: ruby-session-from-params
    session[:role] = params[:role]
    # ok: ruby-session-from-params
    session[:locale] = I18n.available_locales.include?(locale) ? locale : I18n.default_locale
  end
end
