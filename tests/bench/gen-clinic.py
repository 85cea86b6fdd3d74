#!/usr/bin/env python3
# gen-clinic.py — a synthetic clinic as FHIR R4 NDJSON, for the benchmark
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: gen-clinic.py N OUT.ndjson [--seed S]
#
# Writes N patients with about 25 resources each (Patient, Encounter,
# Condition with ICD-10, laboratory Observation with valueQuantity,
# referenceRange and interpretation, Immunization, Appointment,
# MedicationRequest, DocumentReference without binaries) plus shared
# Organizations and Practitioners, one resource per line. N=2000 gives
# about 50 000 resources. Python standard library only; the output depends
# only on N and the seed (dates are anchored on a fixed day, not today).
#
# The first Patient written, "bench-patient-00000", is the "current"
# patient: the runner stores it in the store meta "patient" when the CLI
# can, and it is also the first Patient by id.

import argparse
import base64
import datetime as dt
import hashlib
import json
import random
import sys

ANCHOR = dt.datetime(2025, 3, 14, 9, 0, 0, tzinfo=dt.timezone.utc)
ICD10 = "http://hl7.org/fhir/sid/icd-10"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
INTERP = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
OBS_CAT = "http://terminology.hl7.org/CodeSystem/observation-category"
COND_CLIN = "http://terminology.hl7.org/CodeSystem/condition-clinical"
COND_VER = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
MK = "https://medkarta.github.io/fhir/"
SNILS_SYS = "urn:oid:1.2.643.100.3"
OMS_SYS = MK + "sid/oms"
PASSPORT_SYS = MK + "sid/passport-rf"
INN_PERSON_SYS = "urn:oid:1.2.643.3.131.1.1"
INN_ORG_SYS = "urn:oid:1.2.643.100.4"
OGRN_SYS = "urn:oid:1.2.643.100.1"
ERX_SYS = MK + "sid/erx-code"
BOOKING_SYS = MK + "sid/booking-code"

MALE_FAMILY = ["Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров",
               "Соколов", "Михайлов", "Новиков", "Фёдоров", "Морозов", "Волков",
               "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов",
               "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин",
               "Захаров", "Зайцев", "Соловьёв", "Борисов", "Яковлев", "Григорьев"]
MALE_GIVEN = ["Александр", "Сергей", "Дмитрий", "Андрей", "Алексей", "Максим",
              "Евгений", "Иван", "Михаил", "Артём", "Николай", "Владимир",
              "Павел", "Олег", "Юрий", "Виктор", "Денис", "Игорь", "Роман", "Пётр"]
FEMALE_GIVEN = ["Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана",
                "Анна", "Мария", "Екатерина", "Юлия", "Анастасия", "Марина",
                "Людмила", "Галина", "Дарья", "Ксения", "Алёна", "Вера",
                "Надежда", "Полина"]
FATHER = ["Александр", "Сергей", "Дмитрий", "Андрей", "Алексей", "Иван",
          "Михаил", "Николай", "Владимир", "Павел", "Олег", "Юрий", "Виктор",
          "Игорь", "Петр", "Васили", "Анатоли", "Геннади", "Григори", "Фёдор"]
CITIES = [("Москва", "77"), ("Санкт-Петербург", "78"), ("Казань", "16"),
          ("Новосибирск", "54"), ("Екатеринбург", "66"), ("Нижний Новгород", "52"),
          ("Самара", "63"), ("Воронеж", "36"), ("Пермь", "59"), ("Томск", "70")]
STREETS = ["ул. Ленина", "ул. Гагарина", "пр. Мира", "ул. Советская",
           "ул. Садовая", "ул. Пушкина", "Лесная ул.", "ул. Чехова",
           "Набережная ул.", "ул. Строителей", "ул. Победы", "Школьная ул."]
SPECIALTIES = [("terapevt", "Терапевт"), ("kardiolog", "Кардиолог"),
               ("nevrolog", "Невролог"), ("endokrinolog", "Эндокринолог"),
               ("hirurg", "Хирург"), ("oftalmolog", "Офтальмолог"),
               ("otorinolaringolog", "Оториноларинголог"),
               ("gastroenterolog", "Гастроэнтеролог"), ("pediatr", "Педиатр"),
               ("ginekolog", "Гинеколог"), ("dermatolog", "Дерматовенеролог"),
               ("urolog", "Уролог")]
ORG_KINDS = ["Городская поликлиника №", "Городская клиническая больница №",
             "Детская городская поликлиника №", "Консультативно-диагностический центр №",
             "Центр реабилитации №"]
CONDITIONS = [
    ("I10", "Эссенциальная (первичная) гипертензия"),
    ("J06.9", "Острая инфекция верхних дыхательных путей неуточнённая"),
    ("E11.9", "Сахарный диабет 2 типа без осложнений"),
    ("K29.5", "Хронический гастрит неуточнённый"),
    ("M54.5", "Боль внизу спины"),
    ("J45.9", "Астма неуточнённая"),
    ("E03.9", "Гипотиреоз неуточнённый"),
    ("I25.1", "Атеросклеротическая болезнь сердца"),
    ("N39.0", "Инфекция мочевыводящих путей без установленной локализации"),
    ("H52.1", "Миопия"),
    ("G43.9", "Мигрень неуточнённая"),
    ("K21.9", "Гастроэзофагеальный рефлюкс без эзофагита"),
    ("L20.9", "Атопический дерматит неуточнённый"),
    ("D50.9", "Железодефицитная анемия неуточнённая"),
    ("E78.0", "Чистая гиперхолестеринемия"),
    ("J20.9", "Острый бронхит неуточнённый"),
]
# code, display, unit, low, high, decimals
LABS = [
    ("718-7", "Гемоглобин", "g/L", 120, 160, 0),
    ("6690-2", "Лейкоциты", "10*9/L", 4.0, 9.0, 1),
    ("789-8", "Эритроциты", "10*12/L", 3.9, 5.3, 2),
    ("777-3", "Тромбоциты", "10*9/L", 180, 320, 0),
    ("4548-4", "Гликированный гемоглобин (HbA1c)", "%", 4.0, 6.0, 1),
    ("2345-7", "Глюкоза в сыворотке крови", "mmol/L", 3.9, 6.1, 1),
    ("2093-3", "Холестерин общий", "mmol/L", 3.0, 5.2, 2),
    ("2160-0", "Креатинин", "umol/L", 62, 115, 0),
    ("1742-6", "Аланинаминотрансфераза (АЛТ)", "U/L", 0, 41, 0),
    ("1920-8", "Аспартатаминотрансфераза (АСТ)", "U/L", 0, 40, 0),
    ("3016-3", "Тиреотропный гормон (ТТГ)", "m[IU]/L", 0.4, 4.0, 2),
    ("30341-2", "Скорость оседания эритроцитов (СОЭ)", "mm/h", 2, 15, 0),
    ("2276-4", "Ферритин", "ug/L", 20, 250, 0),
    ("1975-2", "Билирубин общий", "umol/L", 3.4, 20.5, 1),
]
VACCINES = [
    ("Гам-КОВИД-Вак (Спутник V)", "COVID-19"), ("Ультрикс Квадри", "грипп"),
    ("АДС-М", "дифтерия и столбняк"), ("Регевак B", "гепатит B"),
    ("Вактривир", "корь, краснуха, паротит"), ("Клещ-Э-Вак", "клещевой энцефалит"),
]
MEDICATIONS = [
    ("Эналаприл 10 мг, таблетки", "по 1 таблетке 2 раза в день"),
    ("Метформин 850 мг, таблетки", "по 1 таблетке 2 раза в день во время еды"),
    ("Аторвастатин 20 мг, таблетки", "по 1 таблетке вечером"),
    ("Левотироксин натрия 50 мкг", "по 1 таблетке утром натощак"),
    ("Омепразол 20 мг, капсулы", "по 1 капсуле утром за 30 минут до еды"),
    ("Амоксициллин 500 мг, капсулы", "по 1 капсуле 3 раза в день 7 дней"),
    ("Бисопролол 5 мг, таблетки", "по 1 таблетке утром"),
    ("Сальбутамол, аэрозоль 100 мкг/доза", "по 1–2 вдоха при приступе"),
    ("Железа сульфат 320 мг", "по 1 таблетке 2 раза в день"),
    ("Ибупрофен 400 мг, таблетки", "по 1 таблетке при боли, не более 3 в сутки"),
]
DOC_TYPES = [("extract", "Выписка из медицинской карты"),
             ("certificate", "Медицинская справка"),
             ("referral", "Направление на обследование"),
             ("lab-report", "Результаты обследования"),
             ("vaccination-card", "Прививочная карта"),
             ("prescription", "Рецепт")]
ENCOUNTER_REASONS = ["плановый осмотр", "жалобы на головную боль",
                     "повышение давления", "кашель и температура",
                     "контроль анализов", "боль в спине", "профилактический осмотр",
                     "продление рецепта", "консультация по результатам обследования"]
VISIT_INSTRUCTIONS = "Взять паспорт, полис ОМС и результаты анализов"
APPT_STATUSES = ["booked", "booked", "fulfilled", "fulfilled", "cancelled", "noshow"]


def iso_z(t):
    return t.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_msk(t):
    return t.astimezone(dt.timezone(dt.timedelta(hours=3))).isoformat(timespec="seconds")


def snils(rng):
    while True:
        digits = [rng.randrange(10) for _ in range(9)]
        if len(set(digits)) > 2:
            break
    s = sum(d * w for d, w in zip(digits, range(9, 0, -1)))
    if s < 100:
        c = s
    elif s in (100, 101):
        c = 0
    else:
        c = s % 101
        if c == 100:
            c = 0
    return "".join(map(str, digits)) + "%02d" % c


def digits(rng, n):
    return str(rng.randrange(1, 10)) + "".join(str(rng.randrange(10)) for _ in range(n - 1))


class Clinic:
    def __init__(self, n, seed):
        self.n = n
        self.rng = random.Random(seed)
        self.count = 0
        self.binaries = False

    def meta(self, updated):
        rng = self.rng
        return {"versionId": str(rng.randint(1, 4)), "lastUpdated": iso_z(updated)}

    def person_name(self, male):
        rng = self.rng
        family = rng.choice(MALE_FAMILY)
        given = rng.choice(MALE_GIVEN if male else FEMALE_GIVEN)
        father = rng.choice(FATHER)
        if father.endswith("и"):
            patronymic = father[:-1] + ("ьевич" if male else "ьевна")
        elif father.endswith("й"):
            patronymic = father[:-1] + ("евич" if male else "евна")
        else:
            patronymic = father + ("ович" if male else "овна")
        if not male:
            family = family + "а"
        return {"use": "official", "family": family, "given": [given, patronymic],
                "text": "%s %s %s" % (family, given, patronymic)}

    def organizations(self):
        out = []
        for i in range(24):
            city, region = CITIES[i % len(CITIES)]
            name = "%s%d г. %s" % (ORG_KINDS[i % len(ORG_KINDS)], 1 + i * 7 % 180, city)
            out.append({
                "resourceType": "Organization", "id": "bench-org-%02d" % i,
                "meta": self.meta(ANCHOR - dt.timedelta(days=400 + i)),
                "identifier": [{"system": INN_ORG_SYS, "value": digits(self.rng, 10)},
                               {"system": OGRN_SYS, "value": digits(self.rng, 13)}],
                "active": True,
                "type": [{"text": "Медицинская организация"}],
                "name": name,
                "telecom": [{"system": "phone", "value": "+7 (%s) %s-%s-%s" % (
                    digits(self.rng, 3), digits(self.rng, 3), digits(self.rng, 2), digits(self.rng, 2))}],
                "address": [{"text": "г. %s, %s, д. %d" % (city, self.rng.choice(STREETS), self.rng.randint(1, 120)),
                             "city": city, "state": region, "country": "RU"}],
            })
        self.orgs = out
        return out

    def practitioners(self):
        out = []
        self.prac = []
        for i in range(80):
            male = self.rng.random() < 0.45
            name = self.person_name(male)
            spec = SPECIALTIES[i % len(SPECIALTIES)]
            org = self.orgs[i % len(self.orgs)]
            pid = "bench-practitioner-%02d" % i
            out.append({
                "resourceType": "Practitioner", "id": pid,
                "meta": self.meta(ANCHOR - dt.timedelta(days=300 + i)),
                "identifier": [{"system": INN_PERSON_SYS, "value": digits(self.rng, 12)},
                               {"system": SNILS_SYS, "value": snils(self.rng)}],
                "active": True,
                "name": [name],
                "gender": "male" if male else "female",
                "qualification": [{"code": {"text": spec[1]}, "issuer": {"reference": "Organization/" + org["id"]}}],
            })
            self.prac.append((pid, name["text"], spec[1], org))
        return out

    def patient(self, k):
        rng = self.rng
        pid = "bench-patient-%05d" % k
        male = rng.random() < 0.47
        name = self.person_name(male)
        birth = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 80))
        city, region = rng.choice(CITIES)
        org = rng.choice(self.orgs)
        gp = rng.choice([p for p in self.prac if p[3] is org] or self.prac)
        patient = {
            "resourceType": "Patient", "id": pid,
            "meta": self.meta(ANCHOR - dt.timedelta(days=rng.randrange(1, 700))),
            "identifier": [
                {"system": SNILS_SYS, "value": snils(rng)},
                {"system": OMS_SYS, "value": digits(rng, 16)},
                {"system": PASSPORT_SYS, "value": "%s%02d%06d" % (region[:2], rng.randrange(0, 25), rng.randrange(1000000))},
            ],
            "active": True,
            "name": [name],
            "telecom": [{"system": "phone", "value": "+7 9%s" % digits(rng, 9), "use": "mobile"},
                        {"system": "email", "value": "patient%05d@example.ru" % k}],
            "gender": "male" if male else "female",
            "birthDate": birth.isoformat(),
            "address": [{"use": "home", "text": "г. %s, %s, д. %d, кв. %d" % (
                city, rng.choice(STREETS), rng.randint(1, 150), rng.randint(1, 300)),
                "city": city, "state": region, "country": "RU"}],
            "generalPractitioner": [{"reference": "Practitioner/" + gp[0], "display": gp[1]},
                                    {"reference": "Organization/" + org["id"], "display": org["name"]}],
            "managingOrganization": {"reference": "Organization/" + org["id"], "display": org["name"]},
        }
        out = [patient]
        subject = {"reference": "Patient/" + pid, "display": name["text"]}

        def doctor():
            return rng.choice(self.prac)

        # Encounters (4)
        encounters = []
        for e in range(4):
            when = ANCHOR - dt.timedelta(days=rng.randrange(10, 1500), hours=rng.randrange(0, 8))
            doc = doctor()
            eid = "%s-enc-%d" % (pid, e)
            encounters.append((eid, when, doc))
            out.append({
                "resourceType": "Encounter", "id": eid, "meta": self.meta(when + dt.timedelta(hours=2)),
                "status": "finished",
                "class": {"system": ACT_CODE, "code": "AMB", "display": "ambulatory"},
                "type": [{"text": "Приём врача: " + doc[2].lower()}],
                "subject": subject,
                "participant": [{"individual": {"reference": "Practitioner/" + doc[0], "display": doc[1]}}],
                "period": {"start": iso_msk(when), "end": iso_msk(when + dt.timedelta(minutes=20))},
                "reasonCode": [{"text": rng.choice(ENCOUNTER_REASONS)}],
                "serviceProvider": {"reference": "Organization/" + doc[3]["id"], "display": doc[3]["name"]},
            })
        # Conditions (3)
        for c, (code, display) in enumerate(rng.sample(CONDITIONS, 3)):
            eid, when, doc = rng.choice(encounters)
            active = rng.random() < 0.6
            out.append({
                "resourceType": "Condition", "id": "%s-cond-%d" % (pid, c), "meta": self.meta(when + dt.timedelta(hours=3)),
                "clinicalStatus": {"coding": [{"system": COND_CLIN, "code": "active" if active else "resolved"}]},
                "verificationStatus": {"coding": [{"system": COND_VER, "code": "confirmed"}]},
                "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-category",
                                          "code": "encounter-diagnosis"}], "text": "Диагноз"}],
                "code": {"coding": [{"system": ICD10, "code": code, "display": display}], "text": display},
                "subject": subject,
                "encounter": {"reference": "Encounter/" + eid},
                "onsetDateTime": iso_msk(when),
                "recordedDate": iso_msk(when),
                "recorder": {"reference": "Practitioner/" + doc[0], "display": doc[1]},
                "note": [{"text": "Рекомендовано наблюдение у врача: %s." % doc[2].lower()}],
            })
        # Laboratory observations (7)
        for o, (code, display, unit, low, high, dec) in enumerate(rng.sample(LABS, 7)):
            eid, when, doc = rng.choice(encounters)
            taken = when + dt.timedelta(days=1)
            span = high - low
            value = round(rng.uniform(low - span * 0.25, high + span * 0.3), dec)
            if dec == 0:
                value = int(value)
            interp = "L" if value < low else "H" if value > high else "N"
            interp_text = {"L": "Ниже нормы", "H": "Выше нормы", "N": "Норма"}[interp]
            out.append({
                "resourceType": "Observation", "id": "%s-obs-%d" % (pid, o), "meta": self.meta(taken + dt.timedelta(hours=6)),
                "status": "final",
                "category": [{"coding": [{"system": OBS_CAT, "code": "laboratory", "display": "Laboratory"}],
                              "text": "Лабораторное исследование"}],
                "code": {"coding": [{"system": LOINC, "code": code, "display": display}], "text": display},
                "subject": subject,
                "encounter": {"reference": "Encounter/" + eid},
                "effectiveDateTime": iso_msk(taken),
                "issued": iso_z(taken + dt.timedelta(hours=6)),
                "performer": [{"reference": "Organization/" + doc[3]["id"], "display": doc[3]["name"]}],
                "valueQuantity": {"value": value, "unit": unit, "system": UCUM, "code": unit},
                "interpretation": [{"coding": [{"system": INTERP, "code": interp}], "text": interp_text}],
                "referenceRange": [{"low": {"value": low, "unit": unit, "system": UCUM, "code": unit},
                                    "high": {"value": high, "unit": unit, "system": UCUM, "code": unit},
                                    "text": "%s–%s" % (low, high)}],
            })
        # Immunizations (2)
        for v, (vaccine, disease) in enumerate(rng.sample(VACCINES, 2)):
            when = ANCHOR - dt.timedelta(days=rng.randrange(30, 2500))
            doc = doctor()
            out.append({
                "resourceType": "Immunization", "id": "%s-imm-%d" % (pid, v), "meta": self.meta(when + dt.timedelta(hours=1)),
                "extension": [{"url": MK + "StructureDefinition/valid-until",
                               "valueDate": (when + dt.timedelta(days=365 * rng.choice([1, 5, 10]))).date().isoformat()}],
                "status": "completed",
                "vaccineCode": {"text": vaccine},
                "patient": subject,
                "occurrenceDateTime": iso_msk(when),
                "lotNumber": "%s-%04d" % (digits(rng, 3), rng.randrange(10000)),
                "performer": [{"actor": {"reference": "Practitioner/" + doc[0], "display": doc[1]}}],
                "protocolApplied": [{"targetDisease": [{"text": disease}], "doseNumberPositiveInt": rng.randint(1, 3)}],
                "note": [{"text": "Прививка против: %s. Реакции не отмечено." % disease}],
            })
        # Appointments (3)
        for a in range(3):
            status = rng.choice(APPT_STATUSES)
            if status == "booked":
                start = ANCHOR + dt.timedelta(days=rng.randrange(1, 60), hours=rng.randrange(0, 8))
            else:
                start = ANCHOR - dt.timedelta(days=rng.randrange(1, 400), hours=rng.randrange(0, 8))
            doc = doctor()
            out.append({
                "resourceType": "Appointment", "id": "%s-appt-%d" % (pid, a), "meta": self.meta(start - dt.timedelta(days=3)),
                "identifier": [{"system": BOOKING_SYS, "value": "%s-%s" % (digits(rng, 4), digits(rng, 4))}],
                "status": status,
                "serviceType": [{"text": "Приём врача: " + doc[2].lower()}],
                "description": "Запись к врачу: %s, %s" % (doc[2].lower(), doc[1]),
                "start": iso_z(start),
                "end": iso_z(start + dt.timedelta(minutes=20)),
                "minutesDuration": 20,
                "patientInstruction": VISIT_INSTRUCTIONS,
                "participant": [
                    {"actor": subject, "status": "accepted"},
                    {"actor": {"reference": "Practitioner/" + doc[0], "display": doc[1]}, "status": "accepted"},
                    {"actor": {"display": "%s, каб. %d" % (doc[3]["name"], rng.randint(100, 450))}, "status": "accepted"},
                ],
            })
        # Medication requests (2)
        for m, (med, dosage) in enumerate(rng.sample(MEDICATIONS, 2)):
            eid, when, doc = rng.choice(encounters)
            valid_to = when + dt.timedelta(days=rng.choice([30, 60, 365]))
            status = "active" if valid_to > ANCHOR else "completed"
            out.append({
                "resourceType": "MedicationRequest", "id": "%s-rx-%d" % (pid, m), "meta": self.meta(when + dt.timedelta(hours=1)),
                "identifier": [{"system": ERX_SYS, "value": digits(rng, 12)}],
                "extension": [{"url": MK + "StructureDefinition/prescription-stage", "valueCode": "signed"}],
                "status": status,
                "intent": "order",
                "medicationCodeableConcept": {"text": med},
                "subject": subject,
                "encounter": {"reference": "Encounter/" + eid},
                "authoredOn": iso_msk(when),
                "requester": {"reference": "Practitioner/" + doc[0], "display": doc[1]},
                "dosageInstruction": [{"text": dosage}],
                "dispenseRequest": {"validityPeriod": {"start": when.date().isoformat(), "end": valid_to.date().isoformat()},
                                    "numberOfRepeatsAllowed": 0},
            })
        # Document references (3)
        for d in range(3):
            code, title = rng.choice(DOC_TYPES)
            eid, when, doc = rng.choice(encounters)
            ctype = rng.choice(["application/pdf", "application/pdf", "image/jpeg", "image/png"])
            ext = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}[ctype]
            out.append({
                "resourceType": "DocumentReference", "id": "%s-doc-%d" % (pid, d), "meta": self.meta(when + dt.timedelta(days=1)),
                "status": "current",
                "type": {"coding": [{"system": MK + "CodeSystem/document-type", "code": code, "display": title}], "text": title},
                "subject": subject,
                "date": iso_z(when + dt.timedelta(days=1)),
                "author": [{"reference": "Practitioner/" + doc[0], "display": doc[1]}],
                "custodian": {"reference": "Organization/" + doc[3]["id"], "display": doc[3]["name"]},
                "description": "%s от %s" % (title, when.strftime("%d.%m.%Y")),
                "content": [{"attachment": {
                    "contentType": ctype,
                    "url": "Binary/%s-bin-%d" % (pid, d),
                    "size": rng.randrange(40_000, 4_500_000),
                    "hash": "%040x" % rng.getrandbits(160),
                    "title": "%s.%s" % (title.lower().replace(" ", "-"), ext),
                    "creation": iso_z(when + dt.timedelta(days=1))}}],
                "context": {"encounter": [{"reference": "Encounter/" + eid}]},
            })
            if self.binaries:
                # A small file whose size and SHA-1 the document states.
                content = ("%s %s %d\n" % (title, pid, d)).encode() * 16
                attachment = out[-1]["content"][0]["attachment"]
                attachment["size"] = len(content)
                attachment["hash"] = base64.b64encode(hashlib.sha1(content).digest()).decode()
                out.append({"resourceType": "Binary", "id": "%s-bin-%d" % (pid, d),
                            "meta": self.meta(when + dt.timedelta(days=1)), "contentType": ctype,
                            "data": base64.b64encode(content).decode()})
        return out


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("n", type=int, help="number of patients (2000 ≈ 50 000 resources)")
    ap.add_argument("out", help="output NDJSON file ('-' for stdout)")
    ap.add_argument("--seed", type=int, default=20250314)
    ap.add_argument("--binaries", action="store_true",
                    help="a Binary for each document, with the document's size and SHA-1 right")
    args = ap.parse_args()
    if args.n < 1:
        ap.error("N must be at least 1")

    clinic = Clinic(args.n, args.seed)
    clinic.binaries = args.binaries
    out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8")
    count = 0

    def write(resources):
        nonlocal count
        for r in resources:
            out.write(json.dumps(r, ensure_ascii=False, separators=(",", ":")))
            out.write("\n")
            count += 1

    orgs = clinic.organizations()
    pracs = clinic.practitioners()
    # The current patient first, then the shared resources, then everyone else.
    write(clinic.patient(0))
    write(orgs)
    write(pracs)
    for k in range(1, args.n):
        write(clinic.patient(k))
    if out is not sys.stdout:
        out.close()
    print("gen-clinic: %d patients, %d resources → %s" % (args.n, count, args.out), file=sys.stderr)


if __name__ == "__main__":
    main()
