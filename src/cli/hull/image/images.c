/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hull images: the store's images, as a table or JSON. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "util/cleanup.h"

int hull_verb_images(int argc, char **argv);

static const img_verb verb = {
        "images", "[options]", "List the images in the store",
        "One line per name (NAME, TAG, the manifest DIGEST's first 12 hex digits,\n"
        "CREATED, the compressed SIZE of its blobs); untagged images show <none>.\n",
        0, 0,
};

/* "registry:5000/a/b:tag" -> "registry:5000/a/b" and "tag". */
static void split_name(const char *name, char *repo, size_t rsize, const char **tag) {
        const char *slash = strrchr(name, '/');
        const char *colon = strrchr(slash ? slash : name, ':');
        size_t n = colon ? (size_t) (colon - name) : strlen(name);
        snprintf(repo, rsize, "%.*s", (int) n, name);
        *tag = colon ? colon + 1 : "";
}

int hull_verb_images(int argc, char **argv) {
        bool json = false, quiet = false;
        const img_opt opts[] = {
                { "json", 0, IMG_OPT_BOOL, &json, NULL, "print a JSON array (Name, Repository, Tag, Digest, ConfigDigest, Created, Architecture, Os, Size, Layers)" },
                { "quiet", 'q', IMG_OPT_BOOL, &quiet, NULL, "print the manifest digests only" },
        };
        _cleanup_free_ char **args = NULL;
        int status;
        if (img_start(argc, argv, &verb, opts, ELEMENTSOF(opts), &args, &status) < 0)
                return status;
        hull_error *err = NULL;
        hull_store *s = NULL;
        if (img_open_store(false, &s, &err) < 0) {
                if (err->status != HULL_IMAGE_EXIT_NOT_FOUND)
                        return img_fail(err);
                hull_error_free(err); /* no store yet: no images */
                err = NULL;
        }
        hull_image_info *v = NULL;
        size_t n = 0;
        int r = hull_image_list(s, &v, &n, &err);
        if (s)
                hull_store_free(s);
        if (r < 0)
                return img_fail(err);
        if (json) {
                json_t *a = json_array();
                for (size_t i = 0; i < n; i++) {
                        char repo[512];
                        const char *tag = NULL;
                        if (v[i].name)
                                split_name(v[i].name, repo, sizeof(repo), &tag);
                        json_t *o = json_object();
                        json_object_set_new(o, "Name", v[i].name ? json_string(v[i].name) : json_null());
                        json_object_set_new(o, "Repository", v[i].name ? json_string(repo) : json_null());
                        json_object_set_new(o, "Tag", v[i].name ? json_string(tag) : json_null());
                        json_object_set_new(o, "Digest", json_string(v[i].digest));
                        json_object_set_new(o, "ConfigDigest", v[i].config_digest[0] ? json_string(v[i].config_digest) : json_null());
                        json_object_set_new(o, "Created", v[i].created ? json_string(v[i].created) : json_null());
                        json_object_set_new(o, "Architecture", v[i].architecture ? json_string(v[i].architecture) : json_null());
                        json_object_set_new(o, "Os", v[i].os ? json_string(v[i].os) : json_null());
                        json_object_set_new(o, "Size", json_integer((json_int_t) v[i].size));
                        json_object_set_new(o, "Layers", json_integer((json_int_t) v[i].n_layers));
                        json_array_append_new(a, o);
                }
                char *text = json_dumps(a, JSON_INDENT(2));
                json_decref(a);
                printf("%s\n", text ? text : "[]");
                free(text);
        } else if (quiet) {
                for (size_t i = 0; i < n; i++)
                        printf("%s\n", v[i].digest);
        } else {
                printf("%-40s %-16s %-12s %-20s %s\n", "NAME", "TAG", "DIGEST", "CREATED", "SIZE");
                for (size_t i = 0; i < n; i++) {
                        char repo[512], size[32];
                        const char *tag = "<none>";
                        if (v[i].name)
                                split_name(v[i].name, repo, sizeof(repo), &tag);
                        else
                                snprintf(repo, sizeof(repo), "<none>");
                        printf("%-40s %-16s %.12s %-20s %s\n", repo, tag, hull_digest_hex(v[i].digest),
                               v[i].created ? v[i].created : "-", img_human_size(v[i].size, size));
                }
        }
        hull_image_infos_free(v, n);
        return fflush(stdout) == 0 ? 0 : 1;
}
