from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "lianzhao.projects"
    verbose_name = "招商项目"
