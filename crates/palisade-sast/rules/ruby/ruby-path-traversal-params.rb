class FilesController < ApplicationController
  def show
    # ruleid: ruby-path-traversal-params
    send_file Rails.root.join("uploads", params[:name])
  end

  def show_safe
    doc = current_user.documents.find(params[:id])
    # ok: ruby-path-traversal-params
    send_file doc.storage_path
  end
end
